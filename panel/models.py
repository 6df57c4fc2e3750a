"""The panel stage's records (sections 5, 6, 8 and 9)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class RecordsRequest(models.Model):
    """Section 9: as soon as the chair asks the panel to meet, each key agency secures its
    files and starts a chronology; its lead confirms it here."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="records_requests"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    systems = models.TextField("What was secured", blank=True)
    chronology_started = models.BooleanField(default=False)
    last_chased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="records_request_once")
        ]

    def __str__(self) -> str:
        return f"Records of {self.agency} for {self.case}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class PanelMeeting(models.Model):
    """A meeting of the Serious Case Review Panel on a case (5, 6.1)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="panel_meetings")
    held_on = models.DateField("Date of the meeting")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    deputies = models.TextField(
        "Deputies attending", blank=True, help_text="Who attended for whom (5)."
    )
    notes = models.TextField("Notes and decisions", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Panel meeting on {self.held_on:%d/%m/%Y} for {self.case}"
