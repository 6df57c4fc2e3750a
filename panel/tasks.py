"""Thin task wrappers around the panel's services."""

from celery import shared_task

from panel import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def records_request_notify_task(*, request_id: int) -> int:
    return services.records_request_notify(request_id=request_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def decision_letter_send_task(*, letter_id: int) -> bool:
    return services.decision_letter_send(letter_id=letter_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def screening_outcome_notify_task(*, event_id: int) -> int:
    return services.screening_outcome_notify(event_id=event_id)
