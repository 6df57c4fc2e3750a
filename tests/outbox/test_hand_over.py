"""The outbox's hand-over mark (scr/mail.py, scr/outbox/services.py), against a real SMTP
server (aiosmtpd on 127.0.0.1, in the test): a worker that dies before the end of a
message leaves the server nothing and the row is sent again, once; one that dies after it
leaves the server the message and the row is never sent again. A death is a
BaseException raised at that moment (a worker killed runs no `except Exception`)."""

import asyncio
import socket
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import DatabaseError
from django.utils import timezone

from scr import mail
from scr.attention import items_for
from scr.outbox import registry
from scr.outbox import services as outbox
from scr.outbox.models import Email

pytestmark = pytest.mark.django_db


class Died(BaseException):
    """The worker killed at this moment."""


class Server:
    """Takes every message; `answer` is what it says to the end of one."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.answer = "250 Message accepted for delivery"
        self.answer_after = 0.0  # seconds the server takes to answer the end of a message
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.answer.startswith("250"):
            with self.lock:
                self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        if self.answer_after:
            await asyncio.sleep(self.answer_after)
        return self.answer


@pytest.fixture
def server(settings):
    handler = Server()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "scr.mail.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def _email(board=None, to="ada@example.org", purpose="test") -> Email:
    return outbox.email_enqueue(
        purpose=purpose,
        key=f"hand-over:{to}",
        to=to,
        subject="Panel meeting",
        text="Line one\n.A line that starts with a full stop\nLast line",
        board=board,
    )


def _sweep_after_the_lease():
    with time_machine.travel(timezone.now() + outbox.lease() + timedelta(seconds=1)):
        return outbox.outbox_sweep(inline=True)


def test_the_message_reaches_the_server_whole_and_the_row_records_both_moments(server):
    email = _email()
    assert outbox.email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert email.handed_at is not None and email.handed_at <= email.sent_at
    ((recipients, content),) = server.messages
    assert recipients == ["ada@example.org"]
    # The full stop that starts a line came through as one (sent as "..", RFC 5321).
    assert b"\r\n.A line that starts with a full stop\r\n" in content


def test_the_hand_over_comes_after_the_message_and_before_its_end(server, monkeypatch):
    written, seen = [], []
    send = mail._SMTP.send
    real = mail.before_end_of_data

    def recording(self, data):
        written.append(data if isinstance(data, bytes) else data.encode())
        send(self, data)

    def watching(hook):
        def watched():
            # The message has gone, its end has not.
            seen.append((b"Line one" in b"".join(written), mail.END_OF_DATA in written))
            hook()
            seen.append(Email.objects.get().handed_at is not None)

        return real(watched)

    monkeypatch.setattr(mail._SMTP, "send", recording)
    monkeypatch.setattr(mail, "before_end_of_data", watching)
    email = _email()
    assert outbox.email_send(email_id=email.pk)
    assert seen == [(True, False), True]
    assert written[-2] == mail.END_OF_DATA  # then QUIT
    assert len(server.messages) == 1


def test_a_worker_killed_before_the_hand_over_leaves_nothing_and_sends_once_more(
    server, monkeypatch
):
    real = mail.before_end_of_data

    def dying(hook):
        def die():
            raise Died

        return real(die)

    monkeypatch.setattr(mail, "before_end_of_data", dying)
    email = _email()
    with pytest.raises(Died):
        outbox.email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.handed_at) == (Email.Status.SENDING, None)
    assert server.messages == []  # the server dropped the message it never saw end
    monkeypatch.undo()
    _sweep_after_the_lease()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(server.messages) == 1


def test_a_worker_killed_after_the_hand_over_is_never_sent_again(server, monkeypatch, board):
    ends = []
    send = mail._SMTP.send
    getreply = mail._SMTP.getreply

    def sending(self, data):
        send(self, data)
        if data == mail.END_OF_DATA:
            ends.append(self)

    def dying_for_the_answer(self):
        if self in ends:
            raise Died  # killed with the end of the message sent, its answer not read
        return getreply(self)

    monkeypatch.setattr(mail._SMTP, "send", sending)
    monkeypatch.setattr(mail._SMTP, "getreply", dying_for_the_answer)
    email = _email(board=board)
    with pytest.raises(Died):
        outbox.email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == Email.Status.SENDING and email.handed_at is not None
    monkeypatch.undo()
    for connection in ends:
        connection.close()  # what the kernel does for a killed worker
    give_up = time.monotonic() + 5
    while not server.messages and time.monotonic() < give_up:
        time.sleep(0.02)
    assert len(server.messages) == 1  # the end of the message had left: the server has it
    result = _sweep_after_the_lease()
    email.refresh_from_db()
    assert result["recovered"] == 1 and result["sent"] == 0
    assert email.status == Email.Status.HANDED
    assert email.sent_at == email.handed_at
    assert len(server.messages) == 1
    _sweep_after_the_lease()
    assert Email.objects.get(pk=email.pk).status == Email.Status.HANDED


def test_a_handed_row_is_on_the_coordinators_attention_list_for_a_week(
    server, board, coordinator, lead_a
):
    email = _email(board=board)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.HANDED, sent_at=timezone.now(), handed_at=timezone.now()
    )
    (item,) = [i for i in items_for(coordinator) if i.case_reference == "Email"]
    assert "handed to the mail server" in item.title
    assert "Check with the recipient" in item.hint and "ada@example.org" in item.hint
    assert not [i for i in items_for(lead_a) if i.case_reference == "Email"]
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert not [i for i in items_for(coordinator) if i.case_reference == "Email"]


def test_a_row_taken_over_before_the_hand_over_goes_no_further(server, monkeypatch):
    real = mail.before_end_of_data

    def taken_over(hook):
        def take_then_hand():
            # Another worker's claim after this one's lease ran out.
            Email.objects.update(claimed_at=timezone.now() + timedelta(seconds=5))
            hook()

        return real(take_then_hand)

    monkeypatch.setattr(mail, "before_end_of_data", taken_over)
    email = _email()
    assert outbox.email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.handed_at is None and email.status == Email.Status.SENDING
    assert server.messages == []


def test_a_message_the_server_refuses_at_its_end_waits_to_be_tried_again(server):
    server.answer = "554 Transaction failed"
    email = _email()
    assert outbox.email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert email.handed_at is None  # refused: the next attempt hands it over again
    assert "554" in email.last_error
    server.answer = "250 OK"
    with time_machine.travel(email.next_attempt_at + timedelta(seconds=1)):
        assert outbox.email_send(email_id=email.pk)
    assert len(server.messages) == 1


def test_without_the_hook_the_backend_sends_as_djangos_does(server, settings):
    from django.core.mail import EmailMessage, get_connection

    connection = get_connection()
    assert isinstance(connection, mail.SMTPBackend)
    sent = EmailMessage("Hello", "Body\n.dot", "scr@example.org", ["bo@example.org"]).send()
    assert sent == 1
    ((recipients, content),) = server.messages
    assert recipients == ["bo@example.org"] and b"\r\n.dot" in content


def test_an_answer_never_read_after_the_hand_over_is_recorded_handed_not_sent_again(
    server, settings
):
    settings.EMAIL_TIMEOUT = 1
    server.answer_after = 2  # it has the message; its 250 comes after the sender gave up
    email = _email()
    assert outbox.email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == Email.Status.HANDED
    assert email.sent_at == email.handed_at
    assert "answer not seen" in email.last_error
    server.answer_after = 0
    _sweep_after_the_lease()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        outbox.outbox_sweep(inline=True)
    assert len(server.messages) == 1


def test_a_new_attempt_starts_without_the_last_ones_hand_over(server):
    email = _email()
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.FAILED, handed_at=timezone.now() - timedelta(hours=1)
    )
    handed = []
    real = mail.before_end_of_data

    def watching(hook):
        def watched():
            handed.append(Email.objects.get().handed_at)
            hook()

        return real(watched)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mail, "before_end_of_data", watching)
        assert outbox.email_send(email_id=email.pk)
    assert handed == [None]


def test_the_sweep_does_not_queue_a_row_handed_over_as_it_looks(server, monkeypatch):
    """A worker alive past its lease hands the row over between the sweep's read and its
    update: the row is not queued again."""
    email = _email()
    long_ago = timezone.now() - outbox.lease() - timedelta(minutes=1)
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING, claimed_at=long_ago)
    values_list = type(Email.objects.all()).values_list

    def read_then_hand_over(self, *fields, **kwargs):
        rows = list(values_list(self, *fields, **kwargs))
        if fields == ("pk", "handed_at", "purpose"):
            Email.objects.filter(pk=email.pk).update(handed_at=timezone.now())
        return rows

    monkeypatch.setattr(type(Email.objects.all()), "values_list", read_then_hand_over)
    assert outbox._recover(timezone.now()) == 0
    monkeypatch.undo()
    email.refresh_from_db()
    assert email.status == Email.Status.SENDING and email.handed_at is not None


def test_a_coordinator_of_another_board_is_not_told(board, other_coordinator, coordinator):
    email = _email(board=board)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.HANDED, sent_at=timezone.now(), handed_at=timezone.now()
    )
    assert not [i for i in items_for(other_coordinator) if i.case_reference == "Email"]
    assert [i for i in items_for(coordinator) if i.case_reference == "Email"]


# What a recovered or unanswered hand-over records ------------------------------------------


def _stale(email, handed_minutes_ago=None):
    long_ago = timezone.now() - outbox.lease() - timedelta(minutes=1)
    handed = None
    if handed_minutes_ago is not None:
        handed = timezone.now() - timedelta(minutes=handed_minutes_ago)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENDING, claimed_at=long_ago, handed_at=handed
    )


def test_the_sweep_counts_and_dates_each_row_it_recovers():
    dropped, first, second = (_email(to=f"{n}@example.org") for n in ("a", "b", "c"))
    _stale(dropped)
    _stale(first, handed_minutes_ago=20)
    _stale(second, handed_minutes_ago=10)
    assert outbox._recover(timezone.now()) == 3
    rows = {e.pk: e for e in Email.objects.all()}
    assert rows[dropped.pk].status == Email.Status.QUEUED
    for email in (first, second):
        row = rows[email.pk]
        assert row.status == Email.Status.HANDED
        assert row.sent_at == row.handed_at  # its own moment, not another row's


def test_a_recovered_hand_over_runs_its_sent_hook_and_hides_a_sign_in_link(monkeypatch):
    hooked = []
    monkeypatch.setitem(registry.on_sent._entries, "test", hooked.append)
    hooked_email = _email()
    link = outbox.email_enqueue(
        purpose="password_reset",
        key="k",
        to="bo@example.org",
        subject="S",
        text="link",
        html="<a>link</a>",
    )
    plain = _email(to="cy@example.org", purpose="plain")
    for email in (hooked_email, link, plain):
        _stale(email, handed_minutes_ago=10)
    outbox._recover(timezone.now())
    rows = {e.pk: e for e in Email.objects.all()}
    assert (rows[hooked_email.pk].on_sent_due, rows[plain.pk].on_sent_due) == (True, False)
    assert (rows[link.pk].body_text, rows[link.pk].body_html) == (outbox.REDACTED, "")
    assert rows[hooked_email.pk].body_text != outbox.REDACTED
    outbox.outbox_sweep(inline=True)
    assert [e.pk for e in hooked] == [hooked_email.pk]


def test_the_sweep_does_not_record_handed_a_row_refused_as_it_looks(monkeypatch):
    """A worker alive past its lease reads a refusal of the end of the message (its row
    failed, the hand-over cleared) between the sweep's read and its update: the row is not
    recorded handed."""
    email = _email()
    _stale(email, handed_minutes_ago=10)
    values_list = type(Email.objects.all()).values_list

    def read_then_refused(self, *fields, **kwargs):
        rows = list(values_list(self, *fields, **kwargs))
        if fields == ("pk", "handed_at", "purpose"):
            Email.objects.filter(pk=email.pk).update(handed_at=None)
        return rows

    monkeypatch.setattr(type(Email.objects.all()), "values_list", read_then_refused)
    assert outbox._recover(timezone.now()) == 0
    monkeypatch.undo()
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENDING


def test_an_unanswered_hand_over_runs_the_sent_hook_and_hides_a_sign_in_link(
    server, settings, monkeypatch
):
    settings.EMAIL_TIMEOUT = 1
    server.answer_after = 2
    hooked = []
    monkeypatch.setitem(registry.on_sent._entries, "test", hooked.append)
    email = _email()
    link = outbox.email_enqueue(
        purpose="password_reset", key="k", to="bo@example.org", subject="S", text="link"
    )
    assert outbox.email_send(email_id=email.pk)
    assert outbox.email_send(email_id=link.pk)
    assert [e.pk for e in hooked] == [email.pk]
    assert Email.objects.get(pk=link.pk).body_text == outbox.REDACTED
    assert Email.objects.get(pk=email.pk).on_sent_due is False  # run, once


def test_a_mark_refused_after_the_server_took_the_message_never_fails_the_row(server, monkeypatch):
    """Only the mark fails (the database refuses that one UPDATE): the row is left
    'sending' with its hand-over, for the sweep to record handed, never failed (a retry
    would be a second copy)."""
    update = type(Email.objects.all()).update

    def refuse_the_mark(self, **kwargs):
        if "sent_at" in kwargs and kwargs.get("status") == Email.Status.SENT:
            raise DatabaseError("server closed the connection unexpectedly")
        return update(self, **kwargs)

    monkeypatch.setattr(type(Email.objects.all()), "update", refuse_the_mark)
    email = _email()
    with pytest.raises(DatabaseError):
        outbox.email_send(email_id=email.pk)
    monkeypatch.undo()
    row = Email.objects.get(pk=email.pk)
    assert row.status == Email.Status.SENDING and row.handed_at is not None
    _sweep_after_the_lease()
    assert Email.objects.get(pk=email.pk).status == Email.Status.HANDED
    assert len(server.messages) == 1
