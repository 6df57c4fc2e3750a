"""Thin task wrappers around the account services."""

from celery import shared_task

from scr.accounts import two_factor


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def security_change_email_task(*, user_id: int, change: str) -> int:
    return two_factor.security_change_email(user_id=user_id, change=change)
