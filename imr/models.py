"""The Individual Management Reviews of a case (sections 10, 11 and 12; Appendix C).

One Imr per key agency on the case. What the author writes lives in draft rows
(ImrSection for sections 1, 2, 4, 5 and 6; ChronologyEntry for section 3) that
the author edits; every save leaves an ImrRevision behind. Submitting freezes the
whole report into an ImrSubmission, which nobody edits afterwards: a revision is a
new submission, and nothing is deleted.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from scr import dates
from scr.dates import day_text
from scr.uploads import StoredFile


class Imr(FSMModelMixin, models.Model):
    """One agency's management review on a case, from invitation to acceptance."""

    class Status(models.TextChoices):
        NOMINATING = "nominating", "Waiting for the agency to nominate an author"
        CHRONOLOGY = "chronology", "Writing the chronology and family composition"
        CHRONOLOGY_SIGN_OFF = "chronology_sign_off", "Chronology with the director to sign off"
        REPORT = "report", "Writing the full report"
        REPORT_SIGN_OFF = "report_sign_off", "Report with the director to sign off"
        PANEL_REVIEW = "panel_review", "With the panel for quality review"
        REVISION = "revision", "Returned by the panel for revision"
        ACCEPTED = "accepted", "Accepted by the panel"

    # The author may change the draft in these: a submitted version is frozen, so the
    # draft goes on (the full report while the chronology is with the director).
    EDITABLE = (
        Status.CHRONOLOGY,
        Status.CHRONOLOGY_SIGN_OFF,
        Status.REPORT,
        Status.REPORT_SIGN_OFF,
        Status.PANEL_REVIEW,
        Status.REVISION,
    )
    # The author may submit in these.
    SUBMITTABLE = (Status.CHRONOLOGY, Status.REPORT, Status.REVISION)

    class Appraisal(models.TextChoices):
        NEEDED = "needed", "Yes: immediate changes to practice are needed"
        NOT_NEEDED = "not_needed", "No immediate changes are needed"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="imrs")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="imrs")
    status = FSMField(
        max_length=30, choices=Status.choices, default=Status.NOMINATING, protected=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    # Section 10 and the report's cover (Appendix C): who writes it and why they can.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_designation = models.CharField("Author's job title", max_length=200, blank=True)
    author_suitability = models.TextField(
        "How the author's role equips them for this review", blank=True
    )
    author_independent = models.BooleanField(
        "The author had no operational involvement in the case", default=False
    )
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    director_designation = models.CharField("Director's job title", max_length=200, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(null=True, blank=True)
    # 10: the review has begun once its author first records anything.
    started_at = models.DateTimeField(null=True, blank=True)
    # 10: the rapid appraisal of the need for immediate changes to practice.
    appraisal = models.CharField(max_length=20, choices=Appraisal.choices, blank=True)
    appraisal_changes = models.TextField("Changes needed now", blank=True)
    appraisal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appraisal_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "IMR"
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="imr_once")]

    def __str__(self) -> str:
        return f"IMR of {self.agency} on {self.case}"

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    # Transitions: each checks its source and sets fields, nothing else (STYLE.md 3).

    @transition(field=status, source=Status.NOMINATING, target=Status.CHRONOLOGY)
    def nominate(self):
        pass

    @transition(field=status, source=Status.CHRONOLOGY, target=Status.CHRONOLOGY_SIGN_OFF)
    def submit_chronology(self):
        pass

    @transition(field=status, source=Status.CHRONOLOGY_SIGN_OFF, target=Status.CHRONOLOGY)
    def return_chronology(self):
        pass

    @transition(field=status, source=Status.CHRONOLOGY_SIGN_OFF, target=Status.REPORT)
    def countersign_chronology(self):
        pass

    @transition(
        field=status, source=[Status.REPORT, Status.REVISION], target=Status.REPORT_SIGN_OFF
    )
    def submit_report(self):
        pass

    @transition(field=status, source=Status.REPORT_SIGN_OFF, target=Status.REPORT)
    def return_report(self):
        pass

    # The director returns a report the panel had returned: still a revision.
    @transition(field=status, source=Status.REPORT_SIGN_OFF, target=Status.REVISION)
    def return_revision(self):
        pass

    @transition(field=status, source=Status.REPORT_SIGN_OFF, target=Status.PANEL_REVIEW)
    def countersign_report(self):
        pass

    @transition(field=status, source=Status.PANEL_REVIEW, target=Status.REVISION)
    def panel_return(self):
        pass

    @transition(field=status, source=Status.PANEL_REVIEW, target=Status.ACCEPTED)
    def panel_accept(self):
        pass


class Part(models.TextChoices):
    """Appendix C: two submissions, on two dates."""

    CHRONOLOGY = "chronology", "Chronology and family composition"
    REPORT = "report", "Full report"


class ImrSubmission(models.Model):
    """One submitted version of the report, frozen: `content` is the whole report as the
    author submitted it, and is never changed. The director's and the panel's decisions
    on it are recorded alongside."""

    class Status(models.TextChoices):
        WITH_DIRECTOR = "with_director", "With the director to sign off"
        RETURNED_BY_DIRECTOR = "returned_by_director", "Returned to the author by the director"
        COUNTERSIGNED = "countersigned", "Countersigned"
        RETURNED_BY_PANEL = "returned_by_panel", "Returned by the panel for revision"
        ACCEPTED = "accepted", "Accepted by the panel"

    # Versions the board may read: signed off by the agency's director.
    SIGNED = (Status.COUNTERSIGNED, Status.RETURNED_BY_PANEL, Status.ACCEPTED)

    imr = models.ForeignKey(Imr, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveSmallIntegerField("Version")
    part = models.CharField(max_length=20, choices=Part.choices)
    content = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.WITH_DIRECTOR)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    director_comments = models.TextField(blank=True)
    panel_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    panel_decided_at = models.DateTimeField(null=True, blank=True)
    panel_comments = models.TextField(blank=True)

    class Meta:
        ordering = ["imr", "number"]
        constraints = [
            models.UniqueConstraint(fields=["imr", "number"], name="imr_submission_number")
        ]

    def __str__(self) -> str:
        return f"{self.imr} version {self.number}"

    @property
    def signed(self) -> bool:
        return self.status in self.SIGNED


class Section(models.TextChoices):
    """Appendix C's sections; section 3 is the chronology's own table."""

    INTRODUCTION = "introduction", "Section 1: Introduction"
    FAMILY = "family", "Section 2: Family composition"
    CHRONOLOGY = "chronology", "Section 3: Comprehensive chronology"
    ANALYSIS = "analysis", "Section 4: Analysis"
    LESSONS = "lessons", "Section 5: What do we learn from this case?"
    ACTION_PLAN = "action_plan", "Section 6: Recommendations for action"


class ImrSection(models.Model):
    """The draft of one section. `revision` counts saves: a save made from an older
    revision is refused, so two authors never silently overwrite each other."""

    imr = models.ForeignKey(Imr, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=20, choices=Section.choices)
    data = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["imr", "key"], name="imr_section_once")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} of {self.imr}"


class ChronologyEntry(models.Model):
    """A row of the comprehensive chronology (11.1; Appendix C section 3)."""

    # One limit for each text, wherever it comes from (the form, an imported workbook, a
    # service call) and wherever it goes (an export must hold it whole and import again):
    # well inside a spreadsheet cell's 32,767 characters.
    TEXT_MAX_CHARACTERS = 10_000
    SUBJECT_MAX_CHARACTERS = 200
    LONG_TEXTS = ("source", "event", "expected_practice", "relevance_note")

    Precision = dates.Precision

    imr = models.ForeignKey(Imr, on_delete=models.CASCADE, related_name="entries")
    # The first day the date can mean; with the precision and the uncertain mark it
    # gives back what the author typed ('?03/02/25', '02/2025').
    date = models.DateField()
    date_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    date_uncertain = models.BooleanField(default=False)
    time = models.TimeField(null=True, blank=True)
    # The author's order for entries of one day without times.
    position = models.PositiveIntegerField(default=0)
    source = models.TextField("Source of information")
    subject = models.CharField("Subject of recording", max_length=200)
    event = models.TextField("Event description, action and outcome")
    expected_practice = models.TextField("Expected practice/standards", blank=True)
    term_numbers = models.JSONField("Relevant terms of reference", default=list, blank=True)
    relevance_note = models.TextField("Relevance to the terms of reference", blank=True)
    # Appendix C: a period without contact is explained in the chronology itself.
    explains_gap = models.BooleanField("Explains a period without contact", default=False)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "chronology entries"
        ordering = ["date", "time", "position", "pk"]
        # The chronology page pages through one IMR in this order.
        indexes = [models.Index(fields=["imr", "date", "time", "position"])]

    def __str__(self) -> str:
        return f"{day_text(self.date)} {self.subject}"


class ImrRevision(models.Model):
    """Every saved change of a draft section or chronology entry: the version history."""

    class Action(models.TextChoices):
        SAVED = "saved", "Saved"
        ADDED = "added", "Added"
        CHANGED = "changed", "Changed"
        REMOVED = "removed", "Removed"
        IMPORTED = "imported", "Imported"

    imr = models.ForeignKey(Imr, on_delete=models.CASCADE, related_name="revisions")
    # A Section key, or "glossary".
    section = models.CharField(max_length=20)
    # Chronology rows are removed from the draft; their history stays, by id.
    entry_id = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    revision = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["imr", "section", "-at"])]

    def __str__(self) -> str:
        return f"{self.section} r{self.revision} of {self.imr}"

    @property
    def section_label(self) -> str:
        return Section(self.section).label if self.section in Section.values else "Glossary"


class CurrentGlossary(models.Manager):
    """The glossary as it stands: entries the author removed are kept, out of sight."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at=None)


class GlossaryEntry(models.Model):
    """The agency's private key to the codes and abbreviations its report uses.

    Appendix C: workers are never named, but coded (SW1, HV2); the code's role goes in
    the report, the worker's name stays here so the service can find it in the text."""

    class Kind(models.TextChoices):
        WORKER = "worker", "A worker's code"
        ABBREVIATION = "abbreviation", "An abbreviation"

    imr = models.ForeignKey(Imr, on_delete=models.CASCADE, related_name="glossary")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    code = models.CharField(max_length=30)
    meaning = models.CharField(max_length=300)
    # Private to the agency: never in a submission, a PDF or an export.
    worker_name = models.CharField(max_length=200, blank=True)
    # Nothing is deleted: a removed entry still says who SW1 was in an older version.
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = CurrentGlossary()
    everything = models.Manager()  # noqa: DJ012 (a second manager, not a field)

    class Meta:
        verbose_name_plural = "glossary entries"
        ordering = ["kind", "code"]
        base_manager_name = "everything"
        constraints = [
            models.UniqueConstraint(
                fields=["imr", "code"],
                condition=models.Q(removed_at=None),
                name="glossary_code_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.meaning}"


class NameConfirmation(models.Model):
    """A word the author confirmed is not a person's name (the name check)."""

    imr = models.ForeignKey(Imr, on_delete=models.CASCADE, related_name="name_confirmations")
    word = models.CharField(max_length=200)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["imr", "word"], name="name_confirmation_once")
        ]

    def __str__(self) -> str:
        return self.word


class DisciplinaryConcern(models.Model):
    """Section 12: information that suggests disciplinary action may be needed in the
    agency. Seen only by that agency's lead, the coordinator and the board chair."""

    imr = models.ForeignKey(Imr, on_delete=models.PROTECT, related_name="concerns")
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"Section 12 concern on {self.imr}"


# Requests for information under section 45 of the Care Act 2014 (SARs only) ----------

# The default wording, which the coordinator may change for one request.
S45_LEGAL_BASIS = (
    "The board asks for this information under section 45 of the Care Act 2014. You must "
    "comply with the request where the conditions of section 45 are met: the request is "
    "made for the purpose of enabling or assisting the board to perform its functions, "
    "and to a person the board considers likely to have information relevant to them. "
    "The information may be used only for that purpose."
)


class InformationRequest(FSMModelMixin, models.Model):
    """A request for information under section 45 of the Care Act 2014 on a Safeguarding
    Adults Review: to an agency of the board, or to a person or organisation outside it.
    Its reply is due by the case's `s45_reply` clock (Deadline.subject = `clock_subject`).
    Its status changes through scr.cases.status.status_change."""

    class Status(models.TextChoices):
        ASKED = "asked", "Waiting for a reply"
        ESCALATED = "escalated", "Escalated to the chair"
        REPLIED = "replied", "Reply received"

    WAITING = (Status.ASKED, Status.ESCALATED)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="s45_requests")
    # One of the two: an agency of the board, or a named person outside it.
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField("Name", max_length=200, blank=True)
    recipient_organisation = models.CharField("Organisation", max_length=200, blank=True)
    recipient_email = models.EmailField("Email address", blank=True)
    asked = models.TextField("What is asked for")
    legal_basis = models.TextField("Legal basis")
    asked_on = models.DateField("Asked on")
    due_on = models.DateField("Due on")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = FSMField(max_length=10, choices=Status.choices, default=Status.ASKED, protected=True)
    received_on = models.DateField("Received on", null=True, blank=True)
    reply = models.TextField("Reply", blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["asked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(agency__isnull=False) & models.Q(recipient_name=""))
                | (models.Q(agency__isnull=True) & ~models.Q(recipient_name="")),
                name="s45_request_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"s45 request {self.pk} on {self.case_id}"

    @property
    def to_whom(self) -> str:
        if self.agency_id:
            return self.agency.name
        if self.recipient_organisation:
            return f"{self.recipient_name}, {self.recipient_organisation}"
        return self.recipient_name

    @property
    def clock_subject(self) -> str:
        """Tells this request's clock from another's to the same agency (Deadline.subject)."""
        return f"s45-{self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.status in self.WAITING

    @property
    def days_taken(self) -> int | None:
        return (self.received_on - self.asked_on).days if self.received_on else None

    def is_late(self, today) -> bool:
        """Replied after the due date, or still waiting past it."""
        return (self.received_on or today) > self.due_on

    # Transitions: each checks its source and sets fields, nothing else (STYLE.md 3).

    # The coordinator tells the chair that no reply has come (or that it is refused).
    @transition(field=status, source=Status.ASKED, target=Status.ESCALATED)
    def escalate(self):
        pass

    @transition(field=status, source=[Status.ASKED, Status.ESCALATED], target=Status.REPLIED)
    def receive(self):
        pass


class InformationReplyFile(StoredFile):
    """A file sent with the reply to a section 45 request (checked by scr.uploads)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"File {self.pk} of s45 request {self.request_id}"
