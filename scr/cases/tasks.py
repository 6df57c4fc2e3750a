"""Thin task wrappers around case services."""

from celery import shared_task

from scr.cases import services


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=8,
)
def case_event_notify_task(*, event_id: int) -> int:
    return services.case_event_notify(event_id=event_id)
