"""A referral of a case to the board chair (sections 3, 4 and 5)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from scr.names import initials


class Referral(FSMModelMixin, models.Model):
    """What a professional tells the board about a death or serious harm.

    A draft belongs to its referrer alone. Submitting it sends it to the referrer's
    agency lead, who endorses it (the case opens, at 'referral received', and goes to the
    chair) or returns it. Each step is a StatusEvent (referrals.services)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the agency lead"
        RETURNED = "returned", "Returned to the referrer"
        ENDORSED = "endorsed", "Sent to the board chair"

    class CareAndSupport(models.TextChoices):
        YES = "yes", "Yes, whether or not the local authority was meeting any of them"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

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
    # The code of the review type the referral asks for (the board's default when it was
    # started): its questions are the type's, and the case opens as that type.
    review_type = models.CharField(max_length=40, default="scr-2009")
    status = FSMField(max_length=10, choices=Status.choices, default=Status.DRAFT, protected=True)
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

    # Care Act 2014, s44(1)(a): needs for care and support, met or not.
    care_and_support_needs = models.CharField(
        "Needs for care and support", max_length=10, choices=CareAndSupport.choices, blank=True
    )

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
    # Its event rows go with it: those from before its case opened name no case, so the
    # case's cascade would miss them (referrals/retention.py).
    status_events = GenericRelation(
        "cases.StatusEvent", content_type_field="subject_type", object_id_field="subject_id"
    )

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

    # Transitions: each checks its source and sets fields, nothing else (STYLE.md 3).

    # 5: the referrer sends it to their agency's lead; a returned referral is sent again.
    @transition(field=status, source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self):
        pass

    # 5: the lead sends it to the chair, which opens the case...
    @transition(field=status, source=Status.SUBMITTED, target=Status.ENDORSED)
    def endorse(self):
        pass

    # ...or returns it to the referrer with reasons.
    @transition(field=status, source=Status.SUBMITTED, target=Status.RETURNED)
    def return_to_referrer(self):
        pass
