"""Thin task wrappers around the overview services."""

from celery import shared_task

from overview import summary


@shared_task(acks_late=True)
def summary_release_due_task() -> int:
    return summary.summary_release_due()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def summary_copies_send_task(*, summary_id: int) -> int:
    return summary.summary_copies_send(summary_id=summary_id)
