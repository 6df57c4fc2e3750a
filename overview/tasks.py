"""Thin task wrappers around the overview services."""

from celery import shared_task

from overview import summary_services as summary


@shared_task(acks_late=True)
def summary_release_due_task() -> int:
    return summary.summary_release_due()
