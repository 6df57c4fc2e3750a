"""A referral of a case to the board chair (sections 3, 4 and 5)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from scr.names import initials


class Referral(models.Model):
    """What a professional tells the board about a death or serious harm.

    A draft belongs to its referrer alone. Submitting it opens the case (at 'referral
    received'); the referrer's agency lead then endorses it to the chair or returns it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the agency lead"
        RETURNED = "returned", "Returned to the referrer"
        ENDORSED = "endorsed", "Sent to the board chair"

    class AbuseOrNeglect(models.TextChoices):
        KNOWN = "known", "Known"
        SUSPECTED = "suspected", "Suspected"
        NOT_KNOWN = "not_known", "Neither known nor suspected"

    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="+")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals"
    )
    # The referrer's agency when they referred: its lead endorses (5).
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="referral"
    )

    # The adult
    subject_name = models.CharField("Full name", max_length=200, blank=True)
    subject_date_of_birth = models.DateField("Date of birth", null=True, blank=True)
    subject_died = models.BooleanField("The adult has died", default=False)
    subject_date_of_death = models.DateField("Date of death", null=True, blank=True)
    subject_address = models.TextField("Address", blank=True)
    subject_ethnicity = models.CharField("Ethnicity", max_length=100, blank=True)

    # What happened
    what_happened = models.TextField("What happened", blank=True)
    abuse_or_neglect = models.CharField(
        "Abuse or neglect", max_length=10, choices=AbuseOrNeglect.choices, blank=True
    )
    serious_harm = models.BooleanField(
        "A potentially life-threatening injury, permanent impairment of health, or very "
        "serious abuse such as systematic sexual abuse",
        default=False,
    )
    concern_working_together = models.BooleanField(
        "Concern about the way professionals and services worked together", default=False
    )
    lessons_for_interagency_working = models.BooleanField(
        "Important lessons for inter-agency working", default=False
    )
    agencies = models.ManyToManyField(
        "accounts.Agency", blank=True, related_name="+", verbose_name="Agencies involved"
    )

    # Which criteria the referrer believes are met (3.1, 3.2, 4.2)
    believes_3_1 = models.BooleanField(default=False)
    believes_3_2 = models.BooleanField(default=False)
    believes_4_2 = models.BooleanField(default=False)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.get_status_display()})"

    @property
    def subject_initials(self) -> str:
        return initials(self.subject_name)

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def label(self) -> str:
        """The case reference once the case is open, before that 'Referral 12'."""
        return self.case.reference if self.case_id else f"Referral {self.pk}"


class ReferralEvent(models.Model):
    """Each submission and each decision on a referral, kept (section 5)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned to the referrer"
        ENDORSED = "endorsed", "Endorsed and sent to the chair"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.kind}"
