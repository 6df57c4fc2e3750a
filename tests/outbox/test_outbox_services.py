"""The outbox's services one rule at a time (scr/outbox/services.py): what a row holds,
how a send uses its connection, how jobs fail and retry, what publish marks and takes
back, what a sweep returns. Written against the survivors of `make mutants`: each test
pins a rule that a small change to the service would break unnoticed elsewhere."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.utils import DNS_NAME
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError

from scr.outbox import registry
from scr.outbox import services as outbox
from scr.outbox.models import Email, EmailJob
from tests.outbox.failing_mail import RefuseSome, Watched

pytestmark = pytest.mark.django_db


def _enqueue(to="ada@example.org", key="about:1", **extra) -> Email:
    extra.setdefault("html", "<p>Body</p>")
    return outbox.email_enqueue(
        purpose="test", key=key, to=to, subject="Hello", text="Body", **extra
    )


@pytest.fixture
def watched(settings):
    settings.EMAIL_BACKEND = "tests.outbox.failing_mail.Watched"
    Watched.events = []
    Watched.during_send = None
    yield Watched
    Watched.during_send = None


@pytest.fixture
def refuse(settings):
    settings.EMAIL_BACKEND = "tests.outbox.failing_mail.RefuseSome"
    RefuseSome.refuse = {"ada@example.org"}
    yield RefuseSome
    RefuseSome.refuse = set()


class FakeTask:
    """A send task whose broker takes every message, or refuses the ids in `refuse`."""

    name = "fake_task"

    def __init__(self, refuse=(), on_refuse=None):
        self.refuse, self.on_refuse, self.calls = set(refuse), on_refuse, []

    def apply_async(self, *, kwargs):
        (pk,) = kwargs.values()
        if pk in self.refuse:
            if self.on_refuse:
                self.on_refuse()
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.calls.append(kwargs)


# The row an enqueue writes


def test_an_email_about_an_object_is_keyed_and_linked_by_it(board, coordinator):
    email = outbox.email_enqueue(
        purpose="test", to=coordinator.email, subject="S", text="T", about=board
    )
    row = Email.objects.get(pk=email.pk)
    assert row.key == f"accounts.board:{board.pk}"
    assert (row.content_type.model, row.object_id) == ("board", board.pk)
    assert (row.body_text, row.body_html, row.attachments) == ("T", "", [])


def test_an_email_with_a_key_is_not_linked_to_an_object():
    row = Email.objects.get(pk=_enqueue().pk)
    assert (row.key, row.content_type, row.object_id, row.job) == ("about:1", None, None, None)


def test_an_email_with_no_key_no_job_and_no_object_is_refused():
    with pytest.raises(ValueError, match="^An email needs a key, a job or an object it is about$"):
        outbox.email_enqueue(purpose="test", to="ada@example.org", subject="S", text="T")
    assert not Email.objects.exists()


def test_an_email_to_a_person_counts_against_their_board_unless_one_is_given(
    board, other_board, coordinator
):
    mine = _enqueue(recipient=coordinator)
    row = Email.objects.get(pk=mine.pk)
    assert (row.recipient, row.board) == (coordinator, board)
    given = Email.objects.get(
        pk=_enqueue(key="about:2", recipient=coordinator, board=other_board).pk
    )
    assert given.board == other_board


def test_an_email_enqueued_twice_is_published_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _enqueue()
        _enqueue()
    assert len(callbacks) == 1


# The message a row becomes


def test_the_message_carries_the_rows_subject_bodies_sender_and_message_id(settings):
    row = Email.objects.get(pk=_enqueue(to="ada@example.org, bo@example.org").pk)
    assert outbox.email_send(email_id=row.pk) is True
    (message,) = mail.outbox
    assert (message.subject, message.body) == ("Hello", "Body")
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.to == ["ada@example.org", "bo@example.org"]
    assert message.alternatives == [("<p>Body</p>", "text/html")]
    stamp = int(row.created_at.timestamp())
    assert message.extra_headers["Message-ID"] == f"<outbox.{row.pk}.{stamp}@example.org>"


def test_the_message_id_is_the_rows_whichever_host_sends_it(settings, monkeypatch):
    """A row sent again by another worker (another container, another host name) keeps its
    Message-ID: the domain is the sender's, not the host's."""
    settings.DEFAULT_FROM_EMAIL = "Safeguarding Adults Board <cases@sab.example.org>"
    row = Email.objects.get(pk=_enqueue().pk)
    monkeypatch.setattr(DNS_NAME, "get_fqdn", lambda: "worker-1.internal")
    first = outbox.message_id(row)
    monkeypatch.setattr(DNS_NAME, "get_fqdn", lambda: "worker-2.internal")
    assert outbox.message_id(row) == first
    assert first == f"<outbox.{row.pk}.{int(row.created_at.timestamp())}@sab.example.org>"


def test_a_message_without_html_has_no_html_part():
    email = _enqueue(html="")
    outbox.email_send(email_id=email.pk)
    (message,) = mail.outbox
    assert message.alternatives == []


def test_attachments_are_made_by_their_renderer_when_sent(monkeypatch):
    made = []

    def note(**args):
        made.append(args)
        return (f"note-{args.get('n', 0)}.txt", b"a note", "text/plain")

    monkeypatch.setitem(registry.attachments._entries, "test.note", note)
    email = _enqueue(
        attachments=[{"renderer": "test.note"}, {"renderer": "test.note", "args": {"n": 2}}]
    )
    assert made == []
    outbox.email_send(email_id=email.pk)
    (message,) = mail.outbox
    assert [a[0] for a in message.attachments] == ["note-0.txt", "note-2.txt"]
    assert made == [{}, {"n": 2}]


# A send and its connection


def test_a_send_opens_its_connection_and_closes_it_only_once_the_row_is_marked(watched):
    email = _enqueue()
    assert outbox.email_send(email_id=email.pk) is True
    (_, opened), *_ = watched.events
    # The connection opened is the one that sends and is closed: no second connection
    # that would open and QUIT on its own inside the window.
    assert watched.events == [
        ("open", opened),
        ("send", opened, {email.pk: Email.Status.SENDING}),
        ("close", opened, {email.pk: Email.Status.SENT}),
    ]


def test_a_failed_send_is_recorded_and_waits_its_backoff(refuse):
    moment = timezone.now()
    email = _enqueue()
    with time_machine.travel(moment, tick=False):
        assert outbox.email_send(email_id=email.pk) is False
    row = Email.objects.get(pk=email.pk)
    assert (row.status, row.claimed_at, row.attempts) == (Email.Status.FAILED, None, 1)
    assert row.next_attempt_at == moment + outbox.backoff(1)
    assert row.last_error.startswith("ConnectionRefusedError('451")
    # Before its time the sweep leaves it waiting, as it is.
    assert outbox.outbox_sweep()["retried"] == 0
    assert Email.objects.get(pk=email.pk).status == Email.Status.FAILED


def test_a_failed_send_is_closed(settings, watched):
    def refuse():
        raise ConnectionRefusedError("451 try later")

    watched.during_send = refuse
    email = _enqueue()
    assert outbox.email_send(email_id=email.pk) is False
    assert [e[0] for e in watched.events] == ["open", "send", "close"]


def test_a_long_error_is_cut_to_2000_characters(settings, watched):
    def refuse():
        raise ConnectionRefusedError("x" * 3000)

    watched.during_send = refuse
    email = _enqueue()
    outbox.email_send(email_id=email.pk)
    assert len(Email.objects.get(pk=email.pk).last_error) == 2000


def test_a_failed_row_due_again_is_sent_when_asked_directly(refuse):
    email = _enqueue()
    outbox.email_send(email_id=email.pk)
    refuse.refuse = set()
    later = Email.objects.get(pk=email.pk).next_attempt_at + timedelta(seconds=1)
    with time_machine.travel(later):
        assert outbox.email_send(email_id=email.pk) is True
    row = Email.objects.get(pk=email.pk)
    assert (row.status, row.attempts, row.last_error) == (Email.Status.SENT, 2, "")
    assert row.sent_at is not None


def test_a_row_taken_over_during_a_slow_send_is_not_marked_by_the_first_worker(
    watched, monkeypatch
):
    """The first worker's lease ran out mid-send and another worker claimed the row: the
    first must not mark it sent (nor run its sent-hook); the second owns it now."""
    hooked = []
    monkeypatch.setitem(registry.on_sent._entries, "test", hooked.append)
    email = _enqueue()
    other_claim = timezone.now() + timedelta(minutes=10)

    def taken_over():
        Email.objects.filter(pk=email.pk).update(claimed_at=other_claim)

    watched.during_send = taken_over
    assert outbox.email_send(email_id=email.pk) is True
    row = Email.objects.get(pk=email.pk)
    assert (row.status, row.claimed_at, row.sent_at) == (Email.Status.SENDING, other_claim, None)
    assert hooked == []


def test_a_send_marks_only_its_own_row_when_two_are_claimed_at_the_same_instant(watched):
    first, second = _enqueue(), _enqueue(key="about:2")
    with time_machine.travel(timezone.now(), tick=False):
        # Another worker claimed the second row at this very instant.
        Email.objects.filter(pk=second.pk).update(
            status=Email.Status.SENDING, claimed_at=timezone.now()
        )
        assert outbox.email_send(email_id=first.pk) is True
    assert Email.objects.get(pk=second.pk).status == Email.Status.SENDING


def test_the_sent_hook_runs_once_with_the_row(monkeypatch):
    hooked = []
    monkeypatch.setitem(registry.on_sent._entries, "test", hooked.append)
    email = _enqueue()
    outbox.email_send(email_id=email.pk)
    outbox.email_send(email_id=email.pk)
    assert [e.pk for e in hooked] == [email.pk]
    assert hooked[0].sent_at == Email.objects.get(pk=email.pk).sent_at


def test_a_sent_hook_is_run_for_its_own_row_only_and_once(monkeypatch):
    hooked = []
    monkeypatch.setitem(registry.on_sent._entries, "test", hooked.append)
    first, second = _enqueue(key="a"), _enqueue(key="b")
    Email.objects.update(status=Email.Status.SENT, sent_at=timezone.now(), on_sent_due=True)
    assert outbox._note_sent(first.pk) is True
    assert outbox._note_sent(first.pk) is False  # not due any more
    assert Email.objects.get(pk=second.pk).on_sent_due is True  # the other row still due
    assert [e.pk for e in hooked] == [first.pk]


def test_a_sent_hook_that_fails_says_so(monkeypatch):
    def fail(email):
        raise RuntimeError("no")

    monkeypatch.setitem(registry.on_sent._entries, "test", fail)
    email = _enqueue()
    Email.objects.update(status=Email.Status.SENT, sent_at=timezone.now(), on_sent_due=True)
    assert outbox._note_sent(email.pk) is False
    assert Email.objects.get(pk=email.pk).on_sent_due is True


def test_the_mark_is_one_update_straight_after_the_server_accepts_the_message(watched, monkeypatch):
    """The window where a killed worker means a second copy (accepted, not yet marked)
    holds the mark's one UPDATE and nothing else: the connection is closed and the
    sent-hook run after it."""
    monkeypatch.setitem(registry.on_sent._entries, "test", lambda email: EmailJob.objects.count())
    email = _enqueue()
    with CaptureQueriesContext(connection) as queries:
        assert outbox.email_send(email_id=email.pk) is True
    sql = [query["sql"] for query in queries.captured_queries]
    # Watched reads every row's status as the server takes the message, and as the
    # connection closes.
    read = 'SELECT "outbox_email"."id" AS "pk", "outbox_email"."status" AS "status"'
    at_send, at_close = (n for n, statement in enumerate(sql) if statement.startswith(read))
    (mark,) = sql[at_send + 1 : at_close]
    assert mark.startswith('UPDATE "outbox_email" SET ')
    # A boolean is 1 in SQLite's SQL and true in PostgreSQL's.
    assert "\"status\" = 'sent'" in mark
    assert '"on_sent_due" = 1' in mark or '"on_sent_due" = true' in mark
    assert any('FROM "outbox_emailjob"' in statement for statement in sql[at_close:])
    assert Email.objects.get(pk=email.pk).on_sent_due is False


def test_a_message_accepted_but_not_marked_is_left_sending_never_failed(watched, monkeypatch):
    """The database fails just after the server took the message: the row is not recorded
    as failed (a retry after the backoff would be a second copy, as would any); it stays
    'sending' for the lease to hand on, and the send raises."""
    email = _enqueue()

    def the_database_goes():
        def refuse(*args, **kwargs):
            raise DatabaseError("server closed the connection unexpectedly")

        monkeypatch.setattr(QuerySet, "update", refuse)

    watched.during_send = the_database_goes
    with pytest.raises(DatabaseError):
        outbox.email_send(email_id=email.pk)
    monkeypatch.undo()
    assert len(mail.outbox) == 1
    row = Email.objects.get(pk=email.pk)
    assert (row.status, row.last_error, row.next_attempt_at) == (Email.Status.SENDING, "", None)
    assert [event[0] for event in watched.events] == ["open", "send", "close"]  # not left open


def test_a_sent_hook_that_fails_waits_for_the_sweep_and_runs_once(monkeypatch, settings):
    hooked = []

    def hook(email):
        if not hooked:
            hooked.append("failed")
            raise RuntimeError("the letter is locked")
        hooked.append(email.pk)

    monkeypatch.setitem(registry.on_sent._entries, "test", hook)
    email = _enqueue()
    assert outbox.email_send(email_id=email.pk) is True
    row = Email.objects.get(pk=email.pk)
    assert (row.status, row.on_sent_due) == (Email.Status.SENT, True)
    assert outbox.outbox_sweep()["noted"] == 0  # its sender may be running it still
    with time_machine.travel(row.sent_at + outbox.republish_after() + timedelta(seconds=1)):
        assert outbox.outbox_sweep()["noted"] == 1
        assert outbox.outbox_sweep()["noted"] == 0
    assert hooked == ["failed", email.pk]
    assert Email.objects.get(pk=email.pk).on_sent_due is False


def test_the_sweep_runs_the_sent_hook_of_a_row_whose_sender_died_after_marking(monkeypatch):
    hooked = []
    monkeypatch.setitem(registry.on_sent._entries, "test", hooked.append)
    email = _enqueue()
    sent = timezone.now()
    # What the mark leaves when the worker is killed before the hook runs.
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENT, sent_at=sent, on_sent_due=True
    )
    with time_machine.travel(sent + outbox.republish_after() + timedelta(seconds=1)):
        assert outbox.outbox_sweep(inline=True)["noted"] == 1
    assert [(e.pk, e.sent_at) for e in hooked] == [(email.pk, sent)]
    assert mail.outbox == []  # sent already: recorded, never sent again


def test_a_purpose_without_a_sent_hook_leaves_nothing_due():
    email = _enqueue()
    outbox.email_send(email_id=email.pk)
    assert Email.objects.get(pk=email.pk).on_sent_due is False


def test_a_sign_in_link_email_keeps_a_fixed_note_once_sent():
    email = outbox.email_enqueue(
        purpose="password_reset",
        key="k",
        to="ada@example.org",
        subject="S",
        text="link",
        html="<a>link</a>",
    )
    outbox.email_send(email_id=email.pk)
    row = Email.objects.get(pk=email.pk)
    assert (row.body_text, row.body_html) == (outbox.REDACTED, "")
    kept = Email.objects.get(pk=_enqueue().pk)
    outbox.email_send(email_id=kept.pk)
    assert Email.objects.get(pk=kept.pk).body_text == "Body"


# Backoff


def test_the_backoff_starts_at_the_setting_and_doubles_to_the_ceiling(settings):
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 30
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 3600
    waits = [outbox.backoff(n).total_seconds() for n in range(0, 9)]
    assert waits == [30, 30, 60, 120, 240, 480, 960, 1920, 3600]


# Jobs


@pytest.fixture
def jobs(monkeypatch):
    ran = []

    def write(*, to):
        ran.append(outbox.current_job())
        outbox.email_enqueue(purpose="test", to=to, subject="S", text="T")
        return 7

    def broken(*, message):
        ran.append(outbox.current_job())
        raise RuntimeError(message)

    monkeypatch.setitem(registry.jobs._entries, "test.write", write)
    monkeypatch.setitem(registry.jobs._entries, "test.broken", broken)
    return ran


def test_a_job_writes_its_emails_keyed_by_itself_and_is_marked_done(jobs):
    job = outbox.job_enqueue("test.write", to="ada@example.org")
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        assert outbox.job_run(job_id=job.pk) == 7
    assert [j.pk for j in jobs] == [job.pk]
    assert outbox.current_job() is None
    (email,) = Email.objects.all()
    assert (email.key, email.job_id) == (f"job:{job.pk}", job.pk)
    job = EmailJob.objects.get(pk=job.pk)
    assert (job.status, job.attempts, job.done_at) == (EmailJob.Status.DONE, 1, moment)
    assert outbox.job_run(job_id=job.pk) == 0
    assert len(jobs) == 1


def test_an_unknown_job_is_refused():
    with pytest.raises(KeyError, match="No outbox job 'test.nothing'"):
        outbox.job_enqueue("test.nothing")
    assert not EmailJob.objects.exists()


def test_a_failed_job_records_its_error_and_waits_longer_each_time(jobs, settings):
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 30
    job = outbox.job_enqueue("test.broken", message="x" * 3000)
    moment = timezone.now()
    for attempt in (1, 2):
        with time_machine.travel(moment, tick=False), pytest.raises(RuntimeError):
            outbox.job_run(job_id=job.pk)
        row = EmailJob.objects.get(pk=job.pk)
        assert (row.status, row.attempts) == (EmailJob.Status.PENDING, attempt)
        assert row.next_attempt_at == moment + outbox.backoff(attempt)
        assert row.last_error.startswith("RuntimeError('xxx") and len(row.last_error) == 2000
    assert outbox.current_job() is None


def test_an_inline_sweep_sends_the_emails_even_when_a_job_fails(jobs):
    outbox.job_enqueue("test.broken", message="no")
    outbox.job_enqueue("test.write", to="ada@example.org")
    _enqueue(to="bo@example.org")
    assert outbox.outbox_sweep(inline=True) == {
        "recovered": 0,
        "noted": 0,
        "retried": 0,
        "jobs": 2,
        "sent": 2,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "bo@example.org"]
    assert outbox.outbox_flush() == 0


def test_a_sweep_publishes_the_jobs_and_emails_owed_and_says_how_many(jobs):
    outbox.job_enqueue("test.write", to="ada@example.org")
    _enqueue(to="bo@example.org")
    assert outbox.outbox_sweep() == {
        "recovered": 0,
        "noted": 0,
        "retried": 0,
        "jobs": 1,
        "emails": 2,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "bo@example.org"]
    assert outbox.outbox_sweep() == {
        "recovered": 0,
        "noted": 0,
        "retried": 0,
        "jobs": 0,
        "emails": 0,
    }


# Publish


def test_publish_marks_every_row_and_hands_each_its_task(monkeypatch):
    monkeypatch.setattr(outbox, "BATCH", 2)
    ids = [_enqueue(key=f"k{n}").pk for n in range(5)]
    task = FakeTask()
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        assert outbox.publish(Email, task, "email_id", ids) == ids
    assert task.calls == [{"email_id": pk} for pk in ids]
    assert set(Email.objects.values_list("published_at", flat=True)) == {moment}


def test_publish_stops_at_the_first_refusal_and_unmarks_the_rest(monkeypatch):
    monkeypatch.setattr(outbox, "BATCH", 2)
    ids = [_enqueue(key=f"k{n}").pk for n in range(8)]
    later = timezone.now() + timedelta(minutes=5)

    def another_sweep_published_the_last():
        Email.objects.filter(pk=ids[-1]).update(published_at=later)

    task = FakeTask(refuse={ids[2]}, on_refuse=another_sweep_published_the_last)
    assert outbox.publish(Email, task, "email_id", ids) == ids[:2]
    assert task.calls == [{"email_id": pk} for pk in ids[:2]]
    marks = dict(Email.objects.values_list("pk", "published_at"))
    assert all(marks[pk] is not None for pk in ids[:2])
    # Every batch of the rest unmarked, not only the first.
    assert [marks[pk] for pk in ids[2:-1]] == [None] * 5
    # Another sweep's later mark is its own: not taken back.
    assert marks[ids[-1]] == later


def test_a_sweep_publishes_at_most_four_batches_oldest_first(monkeypatch):
    monkeypatch.setattr(outbox, "BATCH", 1)
    ids = [_enqueue(key=f"k{n}").pk for n in range(5)]
    published = []
    monkeypatch.setattr(outbox, "publish_emails", lambda pks: published.extend(pks) or pks)
    assert outbox.outbox_sweep()["emails"] == 4
    assert published == ids[:4]


def test_a_sent_row_never_published_is_not_published_again():
    email = _enqueue()
    outbox.email_send(email_id=email.pk)
    assert Email.objects.get(pk=email.pk).published_at is None
    assert outbox.outbox_sweep()["emails"] == 0


def test_a_failed_row_is_published_again_at_its_time_not_only_after_republish(refuse):
    email = _enqueue()
    Email.objects.filter(pk=email.pk).update(published_at=timezone.now())
    outbox.email_send(email_id=email.pk)
    refuse.refuse = set()
    due = Email.objects.get(pk=email.pk).next_attempt_at + timedelta(seconds=1)
    assert due < timezone.now() + outbox.republish_after()
    with time_machine.travel(due):
        assert outbox.outbox_sweep()["emails"] == 1
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENT


# Sending by key (a sweep of reminders run inline)


def test_emails_send_now_sends_the_unsent_rows_of_these_keys_only(monkeypatch, refuse):
    monkeypatch.setattr(outbox, "BATCH", 1)
    failed = _enqueue(key="k0")
    outbox.email_send(email_id=failed.pk)  # refused: failed, waiting
    refuse.refuse = set()
    for key in ("k1", "k2", "k3"):
        _enqueue(key=key, to="bo@example.org")
    later = Email.objects.get(pk=failed.pk).next_attempt_at + timedelta(seconds=1)
    with time_machine.travel(later):
        assert outbox.emails_send_now(keys=["k0", "k1", "k2"]) == 3
    assert Email.objects.get(key="k3").status == Email.Status.QUEUED
    assert outbox.emails_send_now(keys=["k0", "k1"]) == 0


def test_a_new_key_is_never_the_same_twice():
    first, second = outbox.new_key(), outbox.new_key()
    assert first.startswith("once:") and second.startswith("once:") and first != second


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_mark_does_not_wait_for_the_disk(monkeypatch, watched):
    """The session's commits do not wait for the disk from before the message goes to the
    server until the mark's UPDATE is done (it runs in autocommit: no transaction to SET
    LOCAL in), and wait again after. Run on SQLite as if it were PostgreSQL: the SET and
    RESET are recorded, not executed."""
    from django.db import connections

    default = connections["default"]
    issued = []

    def record(execute, sql, params, many, context):
        if sql.startswith(("SET synchronous_commit", "RESET synchronous_commit")):
            issued.append(sql)
            return None
        if sql.startswith('UPDATE "outbox_email" SET "sent_at"'):
            issued.append(("mark", default.in_atomic_block))
        return execute(sql, params, many, context)

    # Written without its task (which, outside a transaction, would send it at once).
    email = Email.objects.create(purpose="test", key="k", to="ada@example.org", subject="S")
    watched.during_send = lambda: issued.append("the server takes it")
    monkeypatch.setattr(default, "vendor", "postgresql")
    with default.execute_wrapper(record):
        assert outbox.email_send(email_id=email.pk) is True
    assert issued == [
        "SET synchronous_commit TO OFF",
        "the server takes it",
        ("mark", False),
        "RESET synchronous_commit",
    ]


def test_inside_a_transaction_the_commit_is_left_as_it_is(monkeypatch):
    """Called inside a transaction (a test, a caller's atomic block) the mark commits with
    it: nothing is set on the session."""
    from django.db import connections

    default = connections["default"]
    issued = []

    def record(execute, sql, params, many, context):
        if "synchronous_commit" in sql:
            issued.append(sql)
            return None
        return execute(sql, params, many, context)

    email = _enqueue()
    monkeypatch.setattr(default, "vendor", "postgresql")
    with default.execute_wrapper(record):
        assert outbox.email_send(email_id=email.pk) is True
    assert issued == []
