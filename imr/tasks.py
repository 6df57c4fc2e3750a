"""Thin task wrappers around the IMR services."""

from celery import shared_task

from imr import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def imr_notify_task(*, imr_id: int, event: str, submission_id: int | None = None) -> int:
    return services.imr_notify(imr_id=imr_id, event=event, submission_id=submission_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def imr_pdf_store_task(*, submission_id: int) -> str:
    return services.imr_pdf_store(submission_id=submission_id)
