"""A reminder whose first send fails is retried by the real worker and delivered once."""

import time
from datetime import datetime
from datetime import time as clock

import pytest
from django.core import mail

from scr.deadlines import calendar
from scr.deadlines.models import Deadline, Reminder
from scr.deadlines.reminders import deadline_sweep
from tests.celery.flaky_mail import FirstSendFails

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_until_sent(pk: int, timeout: float = 20.0) -> Reminder:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        row = Reminder.objects.get(pk=pk)
        if row.status == Reminder.Status.SENT:
            return row
        time.sleep(0.2)
    pytest.fail(f"The reminder was not sent within {timeout:.0f} s (status {row.status}).")


def test_a_reminder_is_retried_after_a_mail_failure_and_delivered_exactly_once(
    case, panel_chair, settings, real_worker
):
    settings.EMAIL_BACKEND = "tests.celery.flaky_mail.FirstSendFails"
    FirstSendFails.failures_left, FirstSendFails.attempts = 1, 0
    mail.outbox.clear()
    due = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due
    moment = datetime.combine(due, clock(9), tzinfo=calendar.LONDON)

    result = deadline_sweep(at=moment)  # queues one task per email, after commit
    (pk,) = result.reminders
    row = _wait_until_sent(pk)

    assert FirstSendFails.attempts == 2
    assert row.attempts == 2
    assert [m.to for m in mail.outbox] == [[panel_chair.email]]
    # Another sweep, and the same task delivered again, send nothing more.
    assert deadline_sweep(at=moment).total == 0
    from scr.deadlines.reminders import reminder_send

    assert reminder_send(reminder_id=pk) is False
    time.sleep(0.5)
    assert len(mail.outbox) == 1
