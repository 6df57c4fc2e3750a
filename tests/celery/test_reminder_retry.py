"""A reminder whose first send fails is retried by the outbox's sweep through the real
worker and delivered once."""

import time
from datetime import datetime
from datetime import time as clock

import pytest
from django.core import mail

from scr.deadlines import calendar
from scr.deadlines.models import Deadline, Reminder
from scr.deadlines.reminders import deadline_sweep
from scr.outbox.models import Email
from scr.outbox.services import email_send, outbox_sweep
from tests.celery.flaky_mail import FirstSendFails

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, what: str, timeout: float = 20.0):
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout:.0f} s.")


def test_a_reminder_is_retried_after_a_mail_failure_and_delivered_exactly_once(
    case, panel_chair, settings, real_worker
):
    settings.EMAIL_BACKEND = "tests.celery.flaky_mail.FirstSendFails"
    FirstSendFails.failures_left, FirstSendFails.attempts = 1, 0
    mail.outbox.clear()
    due = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due
    moment = datetime.combine(due, clock(9), tzinfo=calendar.LONDON)

    result = deadline_sweep(at=moment)  # queues one task per reminder, after commit
    (pk,) = result.reminders
    key = f"deadlines.reminder:{pk}"
    failed = _wait_for(
        lambda: Email.objects.filter(key=key, status=Email.Status.FAILED).first(),
        "The first send did not fail",
    )
    assert Reminder.objects.get(pk=pk).status == Reminder.Status.SENT  # handed over
    assert "The mail server is down" in failed.last_error
    # It waits (EMAIL_RETRY_BACKOFF_SECONDS), then the sweep publishes it again.
    time.sleep(1.2)
    assert outbox_sweep()["emails"] >= 1
    sent = _wait_for(
        lambda: Email.objects.filter(key=key, status=Email.Status.SENT).first(),
        "The retry did not send it",
    )

    assert FirstSendFails.attempts == 2
    assert sent.attempts == 2
    assert [m.to for m in mail.outbox] == [[panel_chair.email]]
    # Another sweep of each kind, and the same send run again, send nothing more.
    assert deadline_sweep(at=moment).total == 0
    assert outbox_sweep()["emails"] == 0
    assert email_send(email_id=sent.pk) is False
    time.sleep(0.5)
    assert len(mail.outbox) == 1
