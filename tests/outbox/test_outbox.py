"""The outbox (scr/outbox): every email a row, written once, claimed before it is sent,
marked after; a failure waits and is retried by the sweep; a dead worker's row is sent
again after its lease; after a day unsent it is on the coordinator's attention list."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from panel.models import DecisionLetter
from scr.attention import items_for
from scr.outbox import services as outbox
from scr.outbox.models import Email, EmailJob
from tests import scenarios
from tests.outbox.failing_mail import RefuseSome

pytestmark = pytest.mark.django_db


def _enqueue(to="ada@example.org", key="about:1", **extra) -> Email:
    return outbox.email_enqueue(
        purpose="test", key=key, to=to, subject="Hello", text="Body", html="<p>Body</p>", **extra
    )


def test_the_same_email_enqueued_twice_is_one_row_and_one_message(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue()
        second = _enqueue()
    assert first.pk == second.pk and (first.was_created, second.was_created) == (True, False)
    assert Email.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert Email.objects.get().status == Email.Status.SENT


def test_every_attempt_at_a_row_carries_the_same_message_id(settings):
    settings.EMAIL_BACKEND = "tests.outbox.failing_mail.RefuseSome"
    RefuseSome.refuse = set()
    email = _enqueue()
    assert outbox.email_send(email_id=email.pk) is True
    Email.objects.filter(pk=email.pk).update(status=Email.Status.QUEUED)  # as after a lease
    assert outbox.email_send(email_id=email.pk) is True
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].startswith(f"<outbox.{email.pk}.")


def test_a_second_send_of_a_row_sends_nothing():
    """A redelivered task, or two workers given the same row: one claim wins."""
    email = _enqueue()  # on_commit never runs here: not sent yet
    assert outbox.email_send(email_id=email.pk) is True
    assert outbox.email_send(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_a_row_another_worker_holds_is_not_sent():
    email = _enqueue()
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING, claimed_at=timezone.now())
    assert outbox.email_send(email_id=email.pk) is False
    assert mail.outbox == []


def test_a_failed_send_waits_and_the_sweep_sends_it_once(settings):
    settings.EMAIL_BACKEND = "tests.outbox.failing_mail.RefuseSome"
    RefuseSome.refuse = {"ada@example.org"}
    email = _enqueue()
    assert outbox.email_send(email_id=email.pk) is False  # recorded, not raised
    row = Email.objects.get(pk=email.pk)
    assert row.status == Email.Status.FAILED and "451" in row.last_error
    assert row.next_attempt_at > timezone.now()
    # Not before its time, even when asked directly.
    assert outbox.email_send(email_id=email.pk) is False
    RefuseSome.refuse = set()
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert outbox.outbox_sweep()["retried"] == 1
    row = Email.objects.get(pk=email.pk)
    assert (row.status, row.attempts) == (Email.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_the_backoff_doubles_up_to_its_ceiling():
    waits = [outbox.backoff(n).total_seconds() for n in range(1, 30)]
    assert waits == sorted(waits)
    assert waits[-1] == settings.OUTBOX_MAX_BACKOFF_SECONDS


def test_a_row_left_sending_by_a_dead_worker_is_sent_after_its_lease():
    email = _enqueue()
    claimed = timezone.now()
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING, claimed_at=claimed)
    assert outbox.outbox_sweep()["recovered"] == 0  # a worker may still be sending it
    with time_machine.travel(claimed + outbox.lease() + timedelta(seconds=1)):
        swept = outbox.outbox_sweep()
    assert swept["recovered"] == 1
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_a_row_sent_again_after_a_dead_worker_is_logged_as_a_possible_second_copy(caplog):
    """Nothing can tell whether the server took the message before the worker died: the
    row is sent again (at least once, never lost), and the log says so."""
    email = _enqueue()
    claimed = timezone.now()
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING, claimed_at=claimed)
    with time_machine.travel(claimed + outbox.lease() + timedelta(seconds=1)):
        assert outbox.outbox_sweep()["recovered"] == 1
    (record,) = [r for r in caplog.records if "left 'sending'" in r.getMessage()]
    assert record.levelname == "WARNING" and f"[{email.pk}]" in record.getMessage()


def test_a_lost_task_is_published_again_by_the_next_sweep(monkeypatch):
    email = _enqueue()
    # Published, then the broker restarted empty: the task never runs.
    Email.objects.filter(pk=email.pk).update(published_at=timezone.now())
    assert outbox.outbox_sweep()["emails"] == 0  # too soon to call it lost
    later = timezone.now() + outbox.republish_after() + timedelta(seconds=1)
    with time_machine.travel(later):
        assert outbox.outbox_sweep()["emails"] == 1
    assert len(mail.outbox) == 1


def test_a_notification_retried_after_one_refused_recipient_resends_to_nobody_else(
    case, panel_chair, coordinator, panel_member, settings, django_capture_on_commit_callbacks
):
    """The issue's case: three people, the second refused with a 451. Each row is its
    own email: the others are sent once, the refused one later, once."""
    settings.EMAIL_BACKEND = "tests.outbox.failing_mail.RefuseSome"
    RefuseSome.refuse = {coordinator.email}
    # The emails of the case's making (never sent here: on_commit does not run) are not
    # this test's.
    Email.objects.all().delete()
    EmailJob.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        scenarios.panel_recommended(case, panel_chair=panel_chair)
    first = sorted(m.to[0] for m in mail.outbox)
    assert coordinator.email not in first and panel_member.email in first
    # The job is run again (a redelivered task): it writes nothing new.
    (job,) = EmailJob.objects.filter(name="cases.case_event_notify").order_by("-pk")[:1]
    assert outbox.job_run(job_id=job.pk) == 0
    RefuseSome.refuse = set()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        outbox.outbox_sweep()
        outbox.outbox_sweep()
    addresses = sorted(m.to[0] for m in mail.outbox)
    assert addresses == sorted([*first, coordinator.email])


def test_a_job_run_twice_writes_its_emails_once(referrer, django_capture_on_commit_callbacks):
    from scr.accounts.two_factor import security_change_notify

    with django_capture_on_commit_callbacks(execute=True):
        security_change_notify(user=referrer, change="password")
    (job,) = EmailJob.objects.all()
    assert job.status == EmailJob.Status.DONE
    assert outbox.job_run(job_id=job.pk) == 0
    assert outbox.outbox_sweep(inline=True)["sent"] == 0
    assert [m.to for m in mail.outbox] == [[referrer.email]]


def test_a_job_whose_task_was_lost_is_run_by_the_sweep(referrer):
    from scr.accounts.two_factor import security_change_notify

    security_change_notify(user=referrer, change="password")  # on_commit never runs here
    (job,) = EmailJob.objects.all()
    assert job.status == EmailJob.Status.PENDING
    swept = outbox.outbox_sweep()
    assert swept["jobs"] == 1
    assert [m.to for m in mail.outbox] == [[referrer.email]]


def test_a_redelivered_decision_letter_goes_to_the_regulator_once(
    case, board, coordinator, monkeypatch
):
    """The issue's case: two copies of the letter's task at once sent it twice."""
    monkeypatch.setattr("scr.documents.render.render_pdf", lambda document, *a, **k: b"%PDF-")
    from panel import services as panel_services

    board.regulator_email = "notifications@regulator.example.org"
    board.save(update_fields=["regulator_email"])
    letter = DecisionLetter.objects.create(
        case=case,
        kind=DecisionLetter.Kind.REGULATOR,
        recipients=board.regulator_email,
        created_by=coordinator,
    )
    assert panel_services.decision_letter_enqueue(letter=letter) is True
    assert panel_services.decision_letter_enqueue(letter=letter) is False
    (email,) = Email.objects.filter(purpose="decision_letter")
    assert outbox.email_send(email_id=email.pk) is True
    assert outbox.email_send(email_id=email.pk) is False
    outbox.outbox_sweep(inline=True)
    (sent,) = [m for m in mail.outbox if "regulator" in m.subject]
    assert sent.to == [board.regulator_email]
    assert sent.attachments[0][2] == "application/pdf"
    assert DecisionLetter.objects.get(pk=letter.pk).sent_at is not None


def test_an_email_unsent_for_a_day_is_on_the_coordinators_attention_list(
    board, coordinator, chair, settings
):
    settings.EMAIL_BACKEND = "tests.outbox.failing_mail.RefuseSome"
    RefuseSome.refuse = {"ada@example.org"}
    email = _enqueue(board=board)
    outbox.email_send(email_id=email.pk)
    assert not [i for i in items_for(coordinator) if i.case_reference == "Email"]
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        outbox.outbox_sweep(inline=True)  # still refused: still waiting, not dropped
        (item,) = [i for i in items_for(coordinator) if i.case_reference == "Email"]
        assert "ada@example.org" in item.hint and "still trying" in item.hint
        assert not [i for i in items_for(chair) if i.case_reference == "Email"]
    assert Email.objects.get(pk=email.pk).status == Email.Status.FAILED
    RefuseSome.refuse = set()


def test_sweep_outbox_inline_sends_what_is_owed():
    from io import StringIO

    from django.core.management import call_command

    _enqueue()  # its task never ran
    out = StringIO()
    call_command("sweep_outbox", "--inline", stdout=out)
    assert "sent: 1" in out.getvalue()
    call_command("sweep_outbox", "--inline", stdout=out)
    assert len(mail.outbox) == 1


def test_a_password_reset_link_is_not_kept_once_sent(
    client, coordinator, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": coordinator.email})
    (message,) = mail.outbox
    assert "/account/password-reset/" in message.body
    row = Email.objects.get(purpose="password_reset")
    assert row.status == Email.Status.SENT
    assert "password-reset" not in row.body_text + row.body_html
