"""Thin task wrappers around the IMR services."""

from celery import shared_task

from imr import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def imr_notify_task(*, imr_id: int, event: str, submission_id: int | None = None) -> int:
    return services.imr_notify(imr_id=imr_id, event=event, submission_id=submission_id)
