"""One model for every clock of the procedure."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from scr.deadlines.calendar import Unit


class DeadlineQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Deadline.LIVE)


class Deadline(models.Model):
    class Kind(models.TextChoices):
        PANEL_MEETING = "panel_meeting", "Panel meets (6.1)"
        PANEL_RECOMMENDATION = (
            "panel_recommendation",
            "Panel recommendation and terms of reference (6.2)",
        )
        IMRS_BEGIN = "imrs_begin", "Management reviews begin (10)"
        OVERVIEW_REPORT = "overview_report", "Overview report (13.2)"
        ACTION_PLAN = "action_plan", "Agency action plan (16)"
        IMR_CHRONOLOGY = "imr_chronology", "IMR chronology and family composition (Appendix C)"
        IMR_REPORT = "imr_report", "IMR full report (Appendix C)"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        MISSED = "missed", "Missed"
        EXTENDED = "extended", "Extended"
        CANCELLED = "cancelled", "Cancelled"

    # Open and extended clocks are still running.
    LIVE = (Status.OPEN, Status.EXTENDED)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [
            # The sweep and "My deadlines": live clocks by due date, and by owner.
            models.Index(fields=["status", "due"], name="deadline_status_due"),
            models.Index(fields=["owner", "status", "due"], name="deadline_owner_status_due"),
            models.Index(fields=["case", "kind"], name="deadline_case_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due:%d/%m/%Y}"

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
            return ("Met late", "govuk-tag--orange") if self.met_late else ("Met", "govuk-tag--green")
        if self.status == self.Status.MISSED:
            return "Missed", "govuk-tag--red"
        if self.status == self.Status.CANCELLED:
            return "Cancelled", "govuk-tag--grey"
        if self.is_overdue(on):
            return "Overdue", "govuk-tag--red"
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
