"""One model for every clock of the procedure."""

import hashlib
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from scr.dates import day_text
from scr.deadlines.calendar import Unit


class DeadlineQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Deadline.LIVE)


class Deadline(models.Model):
    class Kind:
        """The keys of the 2009 procedure's clocks (scr/reviewtypes/builtin/scr-2009.toml),
        by which its stages read them. A case's clocks are its review type's: `kind` holds
        the type's key for the clock, and the clock's name comes from the type (label)."""

        PANEL_MEETING = "panel_meeting"
        PANEL_RECOMMENDATION = "panel_recommendation"
        IMRS_BEGIN = "imrs_begin"
        OVERVIEW_REPORT = "overview_report"
        ACTION_PLAN = "action_plan"
        IMR_CHRONOLOGY = "imr_chronology"
        IMR_REPORT = "imr_report"
        ACTION_TARGET = "action_target"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        MISSED = "missed", "Missed"
        EXTENDED = "extended", "Extended"
        CANCELLED = "cancelled", "Cancelled"

    # Open and extended clocks are still running.
    LIVE = (Status.OPEN, Status.EXTENDED)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    # The key of one of the clocks of the case's review type ('panel_meeting').
    kind = models.CharField(max_length=30)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where one case has many clocks of a kind for one agency (each action of its plan):
    # what the clock is for, as the stage names it ("action:12"). Blank otherwise.
    subject = models.CharField(max_length=50, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    start = models.DateField()
    due = models.DateField()
    original_due = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    met_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The date of the next reminder step: the sweep reads live clocks where this has come.
    next_reminder_on = models.DateField(null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [
            # The sweep: live clocks whose next reminder has come.
            models.Index(fields=["status", "next_reminder_on"], name="deadline_status_next"),
            # "My deadlines" and the digest: live clocks by due date, and by owner.
            models.Index(fields=["status", "due"], name="deadline_status_due"),
            models.Index(fields=["owner", "status", "due"], name="deadline_owner_status_due"),
            models.Index(fields=["case", "kind"], name="deadline_case_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.label} due {day_text(self.due)}"

    @property
    def label(self) -> str:
        """The clock's name as the case's review type gives it: 'Panel meets (6.1)'.
        Lists select_related('case__review_type') so the name costs no query."""
        name = self.case.review_type.clock_display(self.kind)
        return name or self.kind.replace("_", " ").capitalize()

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    def is_overdue(self, on: date) -> bool:
        return self.is_live and on > self.due

    @property
    def met_late(self) -> bool:
        return self.met_on is not None and self.met_on > self.due

    def tag(self, on: date) -> tuple[str, str]:
        """The GOV.UK tag (text, colour modifier) for this clock as it stands on a date."""
        if self.status == self.Status.MET:
            return (
                ("Met late", "govuk-tag--orange") if self.met_late else ("Met", "govuk-tag--green")
            )
        if self.status == self.Status.MISSED:
            return "Missed", "govuk-tag--red"
        if self.status == self.Status.CANCELLED:
            return "Cancelled", "govuk-tag--grey"
        if self.is_overdue(on):
            return "Overdue", "govuk-tag--red"
        if self.due == on:
            return "Due today", "govuk-tag--yellow"
        if (self.due - on).days <= 7:
            return "Due soon", "govuk-tag--yellow"
        if self.status == self.Status.EXTENDED:
            return "Extended", "govuk-tag--blue"
        return "Open", "govuk-tag--blue"


# How each board-configured clock reads its duration from the Board (6.1, 6.2, 10, 13.2, 16).
# The IMR submission dates are set by the coordinator for each IMR (Appendix C).
BOARD_PERIODS: dict[str, tuple[str, str]] = {
    Deadline.Kind.PANEL_MEETING: ("panel_meeting_days", Unit.DAYS),
    Deadline.Kind.PANEL_RECOMMENDATION: ("panel_recommendation_weeks", Unit.WEEKS),
    Deadline.Kind.IMRS_BEGIN: ("imrs_begin_weeks", Unit.WEEKS),
    Deadline.Kind.OVERVIEW_REPORT: ("overview_months", Unit.MONTHS),
    Deadline.Kind.ACTION_PLAN: ("action_plan_weeks", Unit.WEEKS),
}


class Reminder(models.Model):
    """One reminder email: a clock, a step and a recipient, sent at most once.

    The unique constraint is the claim: a second sweep (a duplicate beat tick, another
    worker) cannot create the same reminder again, and a send task claims the row with
    a conditional update before it sends.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"

    class Reason(models.TextChoices):
        OWNER = "owner", "Owner"
        COORDINATOR = "coordinator", "Coordinator"
        CHAIR = "chair", "Chair"

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    # For example 'before-7@2026-12-01' or 'overdue-2@2026-12-01': the due date is part of
    # the step, so an extended clock gets its reminders again for its new date.
    step = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "step", "recipient"], name="reminder_once_per_step"
            )
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="reminder_status_queued")]

    def __str__(self) -> str:
        return f"{self.step} to {self.recipient_id} ({self.status})"


class Digest(models.Model):
    """The daily digest of one user on one day, sent at most once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    status = models.CharField(
        max_length=10, choices=Reminder.Status.choices, default=Reminder.Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="digest_status_queued")]

    def __str__(self) -> str:
        return f"Digest {day_text(self.day)} to {self.recipient_id} ({self.status})"


class Extension(FSMModelMixin, models.Model):
    """A request to move a clock's due date (13.3 for the overview report), and the
    chair's decision on it. Its status changes through scr.cases.status.status_change."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for the chair"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        LAPSED = "lapsed", "Lapsed: the clock stopped first"

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_before = models.DateField()
    requested_due = models.DateField()
    reason = models.TextField()
    status = FSMField(
        max_length=10, choices=Status.choices, default=Status.REQUESTED, protected=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"],
                condition=models.Q(status="requested"),
                name="extension_one_open_request",
            )
        ]

    def __str__(self) -> str:
        return f"Extension of {self.deadline_id} to {day_text(self.requested_due)}"

    # Transitions: each checks its source and sets fields, nothing else (STYLE.md 3).

    # 13.3: the chair agrees more time...
    @transition(field=status, source=Status.REQUESTED, target=Status.APPROVED)
    def approve(self):
        pass

    # ...or does not.
    @transition(field=status, source=Status.REQUESTED, target=Status.REFUSED)
    def refuse(self):
        pass

    # The clock stopped (met, cancelled, missed) while the request waited: no decision.
    @transition(field=status, source=Status.REQUESTED, target=Status.LAPSED)
    def lapse(self):
        pass


class CalendarFeed(models.Model):
    """A private, revocable address for a user's deadlines as an ICS calendar.

    Only a hash of the address's secret is kept: a copy of the database (a backup, a
    read-only role) does not give anyone the addresses. The person sees it once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"

    @staticmethod
    def hash(token: str) -> str:
        # The secret is 256 random bits: a fast hash is enough, nothing to guess.
        return hashlib.sha256(token.encode()).hexdigest()
