"""Thin task wrappers around the deadline services. Each takes ids and is idempotent:
a retry or a duplicate delivery writes nothing twice (the services claim rows first)."""

from celery import shared_task

from scr.deadlines import reminders

# The hand-over to the outbox needs the database only: a failure (the database
# restarting) is retried a few times quickly; past that the next sweep queues it again.
HAND_OVER = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 5,
    "retry_backoff_max": 60,
    "max_retries": 5,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task
def deadline_sweep_task() -> int:
    return reminders.deadline_sweep().total


@shared_task(**HAND_OVER)
def reminder_send_task(*, reminder_id: int) -> bool:
    return reminders.reminder_send(reminder_id=reminder_id)


@shared_task(**HAND_OVER)
def digest_send_task(*, digest_id: int) -> bool:
    return reminders.digest_send(digest_id=digest_id)
