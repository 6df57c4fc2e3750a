"""The panel stage's records (sections 5, 6, 8 and 9)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from scr.dates import day_text
from scr.uploads import StoredFile


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
        return f"Panel meeting on {day_text(self.held_on)} for {self.case}"


class TermsOfReference(models.Model):
    """The review's terms of reference (6.2 b): numbered terms that chronology entries and
    IMR analyses refer to later. Drafted by the panel; final once agreed."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="terms_of_reference"
    )
    period_from = models.DateField("Period the review covers: from", null=True, blank=True)
    period_to = models.DateField("to", null=True, blank=True)
    final = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Terms of reference of {self.case}"


class Term(models.Model):
    terms = models.ForeignKey(TermsOfReference, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["terms", "number"], name="term_number_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"


class PanelRecommendation(models.Model):
    """The panel's recommendation to the chair (6.2 a)."""

    class Choice(models.TextChoices):
        FULL_REVIEW = "full_review", "A full Serious Case Review"
        SMALLER = "smaller", "An individual management review or smaller audit (8.1 a)"
        OTHER_ROUTE = "other_route", "Another review route (section 3)"
        NO_ACTION = "no_action", "No further action"

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="panel_recommendation"
    )
    choice = models.CharField(max_length=20, choices=Choice.choices)
    reasons = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_choice_display()} for {self.case}"


class ReviewBasis(models.Model):
    """On what footing the review was decided, where the case's type asks (its decision's
    outcomes): a Safeguarding Adults Review is mandatory under s44(1) to (3) of the Care
    Act 2014, or discretionary under s44(4); or the referral is not a SAR, with the route
    for learning. Recorded with the decision; the advice of the facts at that moment is
    kept beside it, so a report can say where the two differed."""

    class Basis(models.TextChoices):
        MANDATORY = "mandatory", "Mandatory: section 44(1) to (3)"
        DISCRETIONARY = "discretionary", "Discretionary: section 44(4)"
        NOT_A_SAR = "not_a_sar", "Not a Safeguarding Adults Review"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="basis")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    # What the facts entered advised when the decision was taken (referrals.criteria).
    advised = models.CharField(max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_basis_display()} for {self.case}"


class DecisionLetter(models.Model):
    """The chair's notifications of a decision to review (7 a, b), recorded as sent."""

    class Kind(models.TextChoices):
        REGULATOR = "regulator", "Notification to the regulator (7 a)"
        BOARD = "board", "Notice to the board (7 b)"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipients = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="letter_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.case}"


class MediaStatement(models.Model):
    """A press statement agreed by the board chair (8.3 g, 15.4): the one place they live."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="media_statements"
    )
    text = models.TextField()
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-agreed_on", "-pk"]

    def __str__(self) -> str:
        return f"Media statement of {day_text(self.agreed_on)} on {self.case}"


class PanelMembership(models.Model):
    """A member of the panel for one case (5): an agency's representative or co-opted."""

    class Kind(models.TextChoices):
        REPRESENTATIVE = "representative", "Agency representative"
        CO_OPTED = "co_opted", "Co-opted member"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="panel_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "added_at"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="panel_member_once")]

    def __str__(self) -> str:
        return f"{self.user} on the panel for {self.case}"


class PanelConsiderations(models.Model):
    """The panel's considerations (8.1 to 8.3, 6.2), one record per case."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="panel_considerations"
    )
    scope = models.TextField("Brief circumstances and the scope of the review (8.1 b)", blank=True)
    smaller_review = models.TextField(
        "Would a management review or smaller audit be enough instead of a full review? (8.1 a)",
        blank=True,
    )
    period = models.TextField("The period the review should cover (8.3 a)", blank=True)
    family_history = models.TextField(
        "Family history and background known, and what needs capturing (8.3 b)", blank=True
    )
    other_contributors = models.TextField(
        "Other professionals or individuals asked for a written report (8.3 c)", blank=True
    )
    relevant_issues = models.TextField("The relevant issues (8.3 d)", blank=True)
    other_partnerships = models.TextField(
        "Other safeguarding partnerships involved, and who does what (8.3 e)", blank=True
    )
    coroner_and_criminal = models.TextField(
        "Coroner's inquiry and criminal investigations, and whether a delay is needed as "
        "agreed with the Crown Prosecution Service (8.3 f)",
        blank=True,
    )
    media = models.TextField(
        "Handling media and public interest through the chair (8.3 g)", blank=True
    )
    legal_advice = models.TextField("Legal advice for the panel, and from whom (8.3 h)", blank=True)
    family_involvement = models.TextField(
        "Whether family members contribute, agreed with the police if there are criminal "
        "proceedings (8.3 i)",
        blank=True,
    )
    who_conducts = models.TextField(
        "Who conducts the review and prepares the overview report, including any "
        "independent consultant (8.3 j)",
        blank=True,
    )
    parallel_reviews = models.TextField(
        "Other reviews of the case running in parallel (6.2)", blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    FIELDS = (
        "scope",
        "smaller_review",
        "period",
        "family_history",
        "other_contributors",
        "relevant_issues",
        "other_partnerships",
        "coroner_and_criminal",
        "media",
        "legal_advice",
        "family_involvement",
        "who_conducts",
        "parallel_reviews",
    )

    def __str__(self) -> str:
        return f"Panel considerations for {self.case}"


class PanelMeetingAttachment(StoredFile):
    """A paper of a panel meeting (5). The file lives outside the web root. A paper for
    the panel only is listed and served to the panel alone (panel.access.may_see_paper);
    the others to whoever sees the case in full."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="attachments")
    panel_only = models.BooleanField(
        "Only the panel may see this paper",
        # New papers: the panel only unless the uploader says otherwise. Papers from before
        # the choice existed stay as they were (the migration).
        default=True,
    )

    def __str__(self) -> str:
        return self.original_name
