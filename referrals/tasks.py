"""Thin task wrappers around referral services."""

from celery import shared_task

from referrals import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def referral_notify_task(*, referral_id: int) -> int:
    return services.referral_notify(referral_id=referral_id)
