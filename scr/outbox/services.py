"""The outbox: every email is a row before it is sent (see models.py).

Guarantees, with a worker that may die, a broker that may lose its messages and a mail
server that may be down:
- nothing owed is lost: a row is written in the transaction of what owes it; its send
  task is published after commit, and a row whose task never ran (broker restarted,
  publish refused, worker killed) is published again by the next sweep;
- nothing is sent twice by the service's own doing: a send claims its row with one
  conditional UPDATE, so retries, redeliveries and two workers find it taken or sent;
- a failed send waits, with backoff, and is tried again by the sweep for as long as it
  takes; after a day unsent it is on the coordinator's attention list.
The one moment left: a worker killed between the mail server taking a message and the
row recording it. With SMTP (scr.mail.SMTPBackend) the row is marked 'handed' just before
the line that ends the message is sent (scr.mail.before_end_of_data): a row left
'sending' without that mark never reached the end of its message, so the server dropped
it and it is sent again; a row with it is the server's, and is not sent again (status
HANDED, on the coordinator's attention list for a week so that the rare loss, a server
that refused the end of the message while the worker died, can be checked). The window
for a duplicate or a loss is then the few microseconds between that mark's commit and
the end-of-message line leaving the worker.
"""

import contextvars
import logging
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from scr import mail
from scr.outbox import registry
from scr.outbox.models import Email, EmailJob

logger = logging.getLogger(__name__)

BATCH = 500
# Emails that may carry a sign-in link (a password reset's token): their bodies are not
# kept once sent, so the outbox is no store of live links.
REDACT_WHEN_SENT = {"password_reset", "security_changed"}
REDACTED = "(Removed once sent: it may have held a sign-in link.)"
# What a publish raises when the broker cannot be reached (kombu wraps most in the first).
BROKER_ERRORS = (OperationalError, ConnectionError, OSError)
# The job being run: the emails it writes are keyed by it, so running it again (a
# redelivered task, the sweep after a lost one) writes nothing new.
_job: contextvars.ContextVar[EmailJob | None] = contextvars.ContextVar("outbox_job", default=None)


def lease() -> timedelta:
    """A row 'sending' for longer belongs to a worker that died. Longer than the send
    task's hard time limit, so a slow send is cut off before its row is handed on."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def republish_after() -> timedelta:
    """A queued row published this long ago and still not sent lost its message."""
    return timedelta(seconds=settings.OUTBOX_REPUBLISH_SECONDS)


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: doubling, up to OUTBOX_MAX_BACKOFF_SECONDS."""
    first = settings.EMAIL_RETRY_BACKOFF_SECONDS
    seconds = min(first * 2 ** max(attempts - 1, 0), settings.OUTBOX_MAX_BACKOFF_SECONDS)
    return timedelta(seconds=seconds)


def _about_key(about) -> str:
    return f"{about._meta.label_lower}:{about.pk}"


def email_enqueue(
    *,
    purpose: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    key: str = "",
    about=None,
    recipient=None,
    board=None,
    attachments: list[dict] | None = None,
) -> Email:
    """Write one email to be sent (idempotent: the same purpose, key and address is one
    row). The key is, in order: the one given, the running job's, the object's. Its send
    task is published after commit. Returns the row."""
    job = _job.get()
    if not key:
        key = f"job:{job.pk}" if job is not None else _about_key(about) if about else ""
    if not key:
        raise ValueError("An email needs a key, a job or an object it is about")
    if board is None and recipient is not None:
        board = getattr(recipient, "board", None)
    email, created = Email.objects.get_or_create(
        purpose=purpose,
        key=key,
        to=to,
        defaults={
            "subject": subject,
            "body_text": text,
            "body_html": html,
            "recipient": recipient,
            "board": board,
            "job": job,
            "attachments": list(attachments or []),
            "content_type": ContentType.objects.get_for_model(about) if about else None,
            "object_id": about.pk if about else None,
        },
    )
    if created:
        transaction.on_commit(partial(publish_emails, [email.pk]))
    email.was_created = created
    return email


def job_enqueue(name: str, **kwargs) -> EmailJob:
    """Record, in the caller's transaction, that the job `name` (a function registered
    with the outbox) owes emails; a worker runs it after commit."""
    if name not in registry.jobs:
        raise KeyError(f"No outbox job {name!r}")
    job = EmailJob.objects.create(name=name, kwargs=kwargs)
    transaction.on_commit(partial(publish_jobs, [job.pk]))
    return job


def job_run(*, job_id: int):
    """Run a job once: it writes its emails and is marked done in one transaction, so a
    second run (or one cut short) writes nothing twice. Returns what the job returned."""
    try:
        with transaction.atomic():
            job = (
                EmailJob.objects.select_for_update()
                .filter(pk=job_id, status=EmailJob.Status.PENDING)
                .first()
            )
            if job is None:
                return 0
            token = _job.set(job)
            try:
                result = registry.jobs[job.name](**job.kwargs)
            finally:
                _job.reset(token)
            EmailJob.objects.filter(pk=job.pk).update(
                status=EmailJob.Status.DONE, done_at=timezone.now(), attempts=F("attempts") + 1
            )
    except Exception as error:
        attempts = EmailJob.objects.filter(pk=job_id).values_list("attempts", flat=True).first()
        EmailJob.objects.filter(pk=job_id).update(
            attempts=F("attempts") + 1,
            last_error=repr(error)[:2000],
            next_attempt_at=timezone.now() + backoff((attempts or 0) + 1),
        )
        raise
    return result


def message_id(email: Email) -> str:
    """The same Message-ID for every attempt at one row, whichever worker makes it: a mail
    system that keeps them can tell a second copy (after a worker died in the window)
    from a new email. Its domain is the sender's, not the worker's host name (a worker
    started again elsewhere, in another container, has another)."""
    stamp = int(email.created_at.timestamp())
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return f"<outbox.{email.pk}.{stamp}@{domain or DNS_NAME.get_fqdn()}>"


def _message(email: Email) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        email.subject,
        email.body_text,
        settings.DEFAULT_FROM_EMAIL,
        email.addresses,
        headers={"Message-ID": message_id(email)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(*registry.attachments[attachment["renderer"]](**attachment.get("args", {})))
    return message


def email_send(*, email_id: int) -> bool:
    """Send one row if it is due and nobody holds it; True if this call sent it. A mail
    failure is recorded on the row (it waits for the sweep, with backoff), not raised.

    Over SMTP the row is marked handed (one UPDATE, committed) after the whole message is
    written and before the line that ends it: a worker that dies before that mark leaves
    the server nothing and the row is sent again; one that dies after it leaves a row the
    sweep records as handed, never sent twice. The server's answer then marks it sent, or
    failed (a refusal of the message: tried again). The message and its attachments are
    made and the connection opened before; the connection is closed and the purpose's
    on_sent hook run after."""
    claim = timezone.now()
    won = (
        Email.objects.filter(pk=email_id, status__in=(Email.Status.QUEUED, Email.Status.FAILED))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=claim))
        .update(
            status=Email.Status.SENDING,
            claimed_at=claim,
            handed_at=None,
            attempts=F("attempts") + 1,
        )
    )
    if not won:
        return False
    email = Email.objects.get(pk=email_id)
    mine = Email.objects.filter(pk=email_id, status=Email.Status.SENDING, claimed_at=claim)
    delivered = _delivered(email.purpose)

    def hand_over():
        # The row is still this worker's (not taken over after a lease ran out), or the
        # message goes no further.
        if not mine.update(handed_at=timezone.now()):
            raise LostClaim(email_id)

    connection = get_connection()
    accepted = False
    try:
        message = _message(email)  # attachments are made before the server is reached
        connection.open()
        message.connection = connection
        with _commits_not_waiting_for_disk(), mail.before_end_of_data(hand_over):
            message.send()
            accepted = True
            marked = mine.update(
                sent_at=timezone.now(), status=Email.Status.SENT, last_error="", **delivered
            )
    except mail.AnswerNotSeen as error:
        # Handed over, the server's answer never read: as if the worker had died there.
        logger.warning("Email %s (%s) handed over, no answer: %s", email_id, email.purpose, error)
        _close_quietly(connection)
        handed = mine.update(
            status=Email.Status.HANDED,
            sent_at=F("handed_at"),
            last_error=f"Handed to the mail server, its answer not seen: {error}"[:2000],
            **delivered,
        )
        if handed and delivered["on_sent_due"]:
            _note_sent(email_id)
        return bool(handed)
    except Exception as error:
        if accepted:
            # The server has it and the row could not be marked: it stays 'sending', with
            # its hand-over mark over SMTP (the sweep records it handed after the lease),
            # without one on other backends (sent again after the lease: a second copy).
            logger.exception("Email %s (%s) sent but not marked sent", email_id, email.purpose)
            _close_quietly(connection)
            raise
        logger.warning("Email %s (%s) not sent: %r", email_id, email.purpose, error)
        _close_quietly(connection)
        mine.update(
            status=Email.Status.FAILED,
            claimed_at=None,
            handed_at=None,
            last_error=repr(error)[:2000],
            next_attempt_at=timezone.now() + backoff(email.attempts),
        )
        return False
    _close_quietly(connection)
    if marked and delivered["on_sent_due"]:
        _note_sent(email_id)
    return True


def _delivered(purpose: str) -> dict:
    """What a row records once the mail server has it (sent, or handed over): its sent-hook
    due, and a sign-in link's body dropped."""
    return {
        "on_sent_due": purpose in registry.on_sent,
        **({"body_text": REDACTED, "body_html": ""} if purpose in REDACT_WHEN_SENT else {}),
    }


class LostClaim(Exception):
    """The row was taken over (its lease ran out) before this worker handed it over."""


@contextmanager
def _commits_not_waiting_for_disk():
    """On PostgreSQL, while this lasts, a commit returns once the database has the change,
    without waiting for its disk: the mark's UPDATE ends the window sooner. Only a crash
    of the database itself in the next fraction of a second could lose a mark, and then
    the email is sent again, never lost. Set for the session (the UPDATE runs in
    autocommit, so there is no transaction to SET LOCAL in), before the server is sent
    anything, and reset after."""
    database = connections["default"]
    if database.vendor != "postgresql" or database.in_atomic_block:
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _note_sent(email_id: int) -> bool:
    """Run the purpose's on_sent hook for a row marked sent (a letter's own "sent on"), once:
    whoever clears on_sent_due (the sender just after its mark, or the sweep if the
    sender died first) runs it, in that transaction. A hook that fails leaves the row
    due: the next sweep runs it again. True if this call ran it."""
    try:
        with transaction.atomic():
            if not Email.objects.filter(pk=email_id, on_sent_due=True).update(on_sent_due=False):
                return False
            email = Email.objects.get(pk=email_id)
            registry.on_sent[email.purpose](email)
    except Exception:
        logger.exception("The sent-hook of email %s failed; the sweep will run it again", email_id)
        return False
    return True


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 (the message is sent or recorded failed already)
        logger.info("Closing the mail connection failed", exc_info=True)


def publish(model, task, argument: str, ids: list[int], *, field: str = "published_at"):
    """Hand one task per row to the broker, the rows marked published (`field`) first so
    that a worker quick to start never meets this update. Stops at the first refusal and
    takes the mark back from every row not published: a broker that is down leaves
    nothing marked, and the next sweep publishes it at once. Returns the ids published."""
    now = timezone.now()
    for start in range(0, len(ids), BATCH):
        # One UPDATE per BATCH rows: a sweep after an outage can owe tens of thousands,
        # more than one statement should carry (SQLite refuses over 32,766 variables).
        model.objects.filter(pk__in=ids[start : start + BATCH]).update(**{field: now})
    published = []
    for pk in ids:
        try:
            task.apply_async(kwargs={argument: pk})
        except BROKER_ERRORS:
            logger.warning("The broker refused %s %s; the sweep will try again", task.name, pk)
            break
        published.append(pk)
    rest = ids[len(published) :]
    for start in range(0, len(rest), BATCH):
        model.objects.filter(pk__in=rest[start : start + BATCH], **{field: now}).update(
            **{field: None}
        )
    return published


def publish_emails(ids: list[int]) -> list[int]:
    from scr.outbox.tasks import email_send_task

    return publish(Email, email_send_task, "email_id", ids)


def publish_jobs(ids: list[int]) -> list[int]:
    from scr.outbox.tasks import email_job_task

    return publish(EmailJob, email_job_task, "job_id", ids)


def _due(model, waiting, now: datetime) -> list[int]:
    stale = now - republish_after()
    return list(
        model.objects.filter(
            Q(status=waiting) & (Q(published_at__isnull=True) | Q(published_at__lt=stale))
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[: BATCH * 4]
    )


def _recover(now: datetime) -> int:
    """Rows left 'sending' past their lease: their worker died mid-send. One never handed
    over (no handed_at: the end of the message was never sent, so the server dropped it)
    goes back in the queue. One handed over is the server's: it is recorded as handed
    (sent at that moment, its sent-hook due), not sent again."""
    stale = Email.objects.filter(status=Email.Status.SENDING, claimed_at__lt=now - lease())
    rows = list(stale.values_list("pk", "handed_at", "purpose"))
    if not rows:
        return 0
    queued = [pk for pk, handed_at, _ in rows if handed_at is None]
    handed = [(pk, handed_at, purpose) for pk, handed_at, purpose in rows if handed_at]
    if queued:
        logger.warning(
            "Emails %s were left 'sending' by a worker that stopped before the mail server "
            "had them: sending them again",
            queued,
        )
    if handed:
        logger.warning(
            "Emails %s were handed to the mail server by a worker that stopped before its "
            "answer: recorded as handed, not sent again",
            [pk for pk, _, _ in handed],
        )
    # Each update asks again whether the row was handed: a worker still alive past its
    # lease may hand it over between the read above and here.
    count = stale.filter(pk__in=queued, handed_at__isnull=True).update(
        status=Email.Status.QUEUED, claimed_at=None, published_at=None
    )
    for pk, handed_at, purpose in handed:
        count += stale.filter(pk=pk, handed_at__isnull=False).update(
            status=Email.Status.HANDED,
            sent_at=handed_at,
            **_delivered(purpose),
        )
    return count


def outbox_sweep(*, inline: bool = False) -> dict[str, int]:
    """What the outbox owes now: rows of workers that died back in the queue, the sent-hooks
    of rows whose sender died before running them, then every job and email whose task
    was lost, never published or due for a retry, published again (or with inline=True,
    run here). Safe to run any number of times at once."""
    now = timezone.now()
    recovered = _recover(now)
    noted = sum(
        _note_sent(pk)
        for pk in Email.objects.filter(on_sent_due=True, sent_at__lt=now - republish_after())
        .order_by("sent_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    failed_due = Email.objects.filter(status=Email.Status.FAILED, next_attempt_at__lte=now).update(
        status=Email.Status.QUEUED, published_at=None
    )
    jobs = _due(EmailJob, EmailJob.Status.PENDING, now)
    if inline:
        for pk in jobs:
            try:
                job_run(job_id=pk)
            except Exception:
                logger.exception("Outbox job %s failed", pk)
        emails = Email.objects.filter(status=Email.Status.QUEUED).order_by("pk")
        sent = sum(email_send(email_id=pk) for pk in emails.values_list("pk", flat=True))
        return {
            "recovered": recovered,
            "noted": noted,
            "retried": failed_due,
            "jobs": len(jobs),
            "sent": sent,
        }
    published_jobs = publish_jobs(jobs)
    emails = _due(Email, Email.Status.QUEUED, now)
    published = publish_emails(emails)
    return {
        "recovered": recovered,
        "noted": noted,
        "retried": failed_due,
        "jobs": len(published_jobs),
        "emails": len(published),
    }


def outbox_flush() -> int:
    """Send every email owed, here and now (cron-only deployments, recovery, tests)."""
    return outbox_sweep(inline=True)["sent"]


def emails_send_now(*, keys: list[str]) -> int:
    """Send here and now the unsent emails with these keys (a sweep run --inline)."""
    sent = 0
    for start in range(0, len(keys), BATCH):
        ids = Email.objects.filter(
            key__in=keys[start : start + BATCH],
            status__in=(Email.Status.QUEUED, Email.Status.FAILED),
        ).values_list("pk", flat=True)
        sent += sum(email_send(email_id=pk) for pk in ids.order_by("pk"))
    return sent


def new_key() -> str:
    """A key for an email nothing will ever ask for twice."""
    return f"once:{uuid.uuid4().hex}"


def current_job() -> EmailJob | None:
    return _job.get()
