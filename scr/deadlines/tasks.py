"""Thin task wrappers around the deadline services. Each takes ids and is idempotent:
a retry or a duplicate delivery sends nothing twice (the services claim rows first)."""

from celery import shared_task
from django.conf import settings

from scr.deadlines import reminders, services

# A mail server that is down is retried with backoff for about a day; the row stays
# pending meanwhile, and a later sweep re-queues it if the task itself is lost.
RETRY = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": settings.EMAIL_RETRY_BACKOFF_SECONDS,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 30,
    # Well inside the sweep's STALE_CLAIM: a stuck send is cut off before its row is
    # handed to another worker.
    "soft_time_limit": 120,
    "time_limit": 180,
}


@shared_task
def deadline_sweep_task() -> int:
    return reminders.deadline_sweep().total


@shared_task(**RETRY)
def reminder_send_task(*, reminder_id: int) -> bool:
    return reminders.reminder_send(reminder_id=reminder_id)


@shared_task(**RETRY)
def digest_send_task(*, digest_id: int) -> bool:
    return reminders.digest_send(digest_id=digest_id)


@shared_task(**RETRY)
def extension_notify_task(*, extension_id: int) -> int:
    return services.extension_notify(extension_id=extension_id)
