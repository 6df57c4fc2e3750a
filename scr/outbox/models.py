"""Every email the service sends, as a row written before it goes.

An Email is one message to one recipient (or one fixed list of addresses, as the board's
decision letter), unique per purpose, key and address: whatever runs twice (a retried
task, a redelivered message, two sweeps) finds the row already there. It is claimed with
a conditional update before it is sent and marked after, so two workers never both send
it; a row left 'sending' by a worker that died is queued again once its lease runs out.

An EmailJob is the work of finding who an event concerns and writing their emails,
recorded in the transaction of the event itself: a lost broker message loses no email,
the next sweep runs the job again.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Email(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        # The last attempt failed: the row waits for next_attempt_at, never dropped.
        FAILED = "failed", "Failed, to be tried again"
        # Handed to the mail server whole by a worker that died before its answer: the
        # server has it (scr/outbox/services.py, _recover); never sent again.
        HANDED = "handed", "Handed to the mail server, its answer not seen"

    purpose = models.CharField(max_length=60)
    # What the email is about: a key stable across retries (an object's label and id,
    # or the job that wrote it), and the object itself where there is one.
    key = models.CharField(max_length=200)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    job = models.ForeignKey("EmailJob", null=True, blank=True, on_delete=models.SET_NULL)
    # Comma-separated when one message goes to a fixed list of addresses.
    to = models.TextField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    board = models.ForeignKey(
        "accounts.Board", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"renderer": name, "args": {...}}]: rendered when sent (scr.outbox.registry).
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a send task was last handed to the broker (null: never, or the broker refused).
    published_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set just before the end of the message goes to the mail server (scr.mail): from
    # then on the server may have it, so the row is never sent again.
    handed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Sent, and its purpose's on_sent hook has not run yet: set by the mark, cleared by
    # the hook's own transaction (by the sender just after, or by the sweep).
    on_sent_due = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "key", "to"], name="email_once"),
        ]
        indexes = [
            # The sweep's reads: unsent rows by state and time.
            models.Index(fields=["status", "published_at"], name="email_status_published"),
            models.Index(fields=["status", "next_attempt_at"], name="email_status_next"),
            # The sweep's hooks still to run: a handful of rows at most.
            models.Index(
                fields=["sent_at"], condition=models.Q(on_sent_due=True), name="email_on_sent_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.to} ({self.status})"

    @property
    def addresses(self) -> list[str]:
        return [a.strip() for a in self.to.split(",") if a.strip()]


class EmailJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"

    name = models.CharField(max_length=60)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "published_at"], name="emailjob_status_published")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.kwargs} ({self.status})"
