"""Thin task wrappers around the action plans' services."""

from celery import shared_task

from actionplans import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def letter_email_task(*, letter_id: int) -> int:
    return services.letter_email(letter_id=letter_id)
