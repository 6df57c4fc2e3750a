"""The outbox's tasks: thin, by id, safe to run twice or at once (the services claim)."""

from celery import shared_task
from django.conf import settings

from scr.outbox import services

# No Celery retry of a mail failure: it is recorded on its row and the sweep tries it
# again, so no retry waits in a worker's memory (or in the broker's unacknowledged set).
# A transient database error before the row is claimed is retried by every task (a
# short backoff, scr.celery.Task).
SEND = {
    "acks_late": True,
    "soft_time_limit": settings.OUTBOX_SEND_TIME_LIMIT,
    "time_limit": settings.OUTBOX_SEND_TIME_LIMIT + 15,
}


@shared_task(**SEND)
def email_send_task(*, email_id: int) -> bool:
    return services.email_send(email_id=email_id)


@shared_task(**SEND)
def email_job_task(*, job_id: int):
    return services.job_run(job_id=job_id)


@shared_task
def outbox_sweep_task() -> dict:
    return services.outbox_sweep()
