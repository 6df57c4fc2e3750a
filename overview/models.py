"""The overview report (13), the board's receipt of it (14) and the public executive
summary (15).

One Overview per case, begun once every agency's management review is accepted. Its
merged chronology and its family are copied from the accepted versions of the reviews
when it begins (those versions are frozen, so the copy never goes stale); the author
then links duplicates, merges people and writes the sections of 13.4.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from scr import dates
from scr.dates import day_text


class Overview(FSMModelMixin, models.Model):
    """The overview report of a case, from its start to the board's receipt."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", "Being written"
        WITH_BOARD = "with_board", "Submitted to the board"
        RECEIVED = "received", "Received by the board"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="overview")
    status = FSMField(
        max_length=20, choices=Status.choices, default=Status.DRAFTING, protected=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Overview report of {self.case}"

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFTING

    @transition(field=status, source=Status.DRAFTING, target=Status.WITH_BOARD)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=status, source=Status.WITH_BOARD, target=Status.RECEIVED)
    def receive(self):
        self.received_at = timezone.now()


class OverviewSection(models.Model):
    """The text of one section of 13.4. A save from an older revision is refused."""

    class Key(models.TextChoices):
        INTRODUCTION = "introduction", "a) Introduction"
        TERMS = "terms", "b) Terms of reference"
        CONTRIBUTORS = "contributors", "c) Contributors to the review"
        SOURCES = "sources", "d) Sources of information"
        FACTS = "facts", "e) The facts, including the family tree"
        CHRONOLOGY = "chronology", "f) Inter-agency chronology of events"
        KNOWN = "known", "g) Overview of information known to the agencies"
        ANALYSIS = "analysis", "h) Analysis"
        FINDINGS = "findings", "i) Findings and conclusions"
        RECOMMENDATIONS = "recommendations", "j) Recommendations"
        # Sections other review types' reports have (overview.report_sections).
        THE_PERSON = "the_person", "The person"
        THE_CHILD = "the_child", "The child"
        SCOPE_AND_METHOD = "scope_and_method", "The review's scope and method"

    overview = models.ForeignKey(Overview, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=20, choices=Key.choices)
    text = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["overview", "key"], name="overview_section_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} of {self.overview}"


class OverviewEntry(models.Model):
    """One row of the merged inter-agency chronology (13.4 f), copied from an accepted
    management review. `same_event` links a row to the row it duplicates: the same
    event recorded by two agencies, shown once with both agencies."""

    Precision = dates.Precision

    overview = models.ForeignKey(Overview, on_delete=models.CASCADE, related_name="entries")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey("imr.ImrSubmission", on_delete=models.PROTECT, related_name="+")
    # The row's place in the agency's own chronology: breaks ties within one agency.
    source_index = models.PositiveIntegerField()
    date = models.DateField()
    date_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    date_uncertain = models.BooleanField(default=False)
    time = models.TimeField(null=True, blank=True)
    source = models.TextField(blank=True)
    subject = models.CharField(max_length=200, blank=True)
    event = models.TextField()
    expected_practice = models.TextField(blank=True)
    term_numbers = models.JSONField(default=list, blank=True)
    explains_gap = models.BooleanField(default=False)
    same_event = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "overview entries"
        ordering = ["date", "time", "agency__name", "source_index"]
        # The merged chronology pages through one overview in date order.
        indexes = [models.Index(fields=["overview", "date", "time"])]

    def __str__(self) -> str:
        return f"{day_text(self.date)} {self.agency_id}: {self.event[:30]}"


class Finding(models.Model):
    """A finding or conclusion (13.4 i), citing the chronology rows that support it."""

    overview = models.ForeignKey(Overview, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    term_numbers = models.JSONField(default=list, blank=True)
    entries = models.ManyToManyField(OverviewEntry, blank=True, related_name="findings")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["overview", "number"], name="finding_number_once")
        ]

    def __str__(self) -> str:
        return f"Finding {self.number} of {self.overview}"


class Recommendation(models.Model):
    """A recommendation to the board chair (13.4 j): for named agencies, for the board,
    or both; the action plan stage (16) starts from these."""

    overview = models.ForeignKey(Overview, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    for_board = models.BooleanField("For the board itself", default=False)
    agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+")
    term_numbers = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["overview", "number"], name="overview_recommendation_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number} of {self.overview}"


class FamilyMember(models.Model):
    """A person of the family tree (13.4 e). Each agency's report of a person is a
    FamilyReport; the author merges the reports that are the same person."""

    overview = models.ForeignKey(Overview, on_delete=models.CASCADE, related_name="family")
    is_subject = models.BooleanField(default=False)
    name = models.CharField(max_length=200)
    # Relationship to the adult: imr.template.RELATIONSHIPS, or "" for the adult.
    relationship = models.CharField(max_length=20, blank=True)
    relationship_detail = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-is_subject", "relationship", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class FamilyReport(models.Model):
    """One agency's account of one person (Appendix C section 2), as accepted."""

    member = models.ForeignKey(FamilyMember, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey("imr.ImrSubmission", on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["agency__name", "pk"]

    def __str__(self) -> str:
        return f"{self.agency} on {self.member}"


class FamilyMergeDecision(models.Model):
    """The author's answer to a suggestion that two people are one: merged, or not the
    same person (so the suggestion is not made again)."""

    overview = models.ForeignKey(Overview, on_delete=models.CASCADE, related_name="+")
    # The two names and dates of birth as they were suggested (the rows may merge away).
    first = models.JSONField()
    second = models.JSONField()
    same_person = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.first} / {self.second}: {self.same_person}"


class ReceiptItem(models.Model):
    """One step of the board's receipt of the report (14 a to f), with who and when."""

    class Key(models.TextChoices):
        CONTRIBUTORS = "contributors", "a) Contents checked with contributors"
        ACTION_PLAN = "action_plan", "b) Management action plan drawn up and agreed"
        AVAILABILITY = "availability", "c) To whom the report may be made available"
        DISSEMINATION = "dissemination", "d) Report or key findings disseminated"
        FEEDBACK = "feedback", "e) Feedback to staff, family members and the media"
        REGULATOR = "regulator", "f) Copies to the regulator"

    overview = models.ForeignKey(Overview, on_delete=models.CASCADE, related_name="receipt")
    key = models.CharField(max_length=20, choices=Key.choices)
    note = models.TextField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["overview", "key"], name="receipt_once")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} for {self.overview}"


class ContributorResponse(models.Model):
    """A contributor's response to the report's contents (14 a)."""

    class Answer(models.TextChoices):
        AGREED = "agreed", "Agrees the contents"
        COMMENTS = "comments", "Agrees, with comments"
        DISAGREES = "disagrees", "Does not agree"

    overview = models.ForeignKey(
        Overview, on_delete=models.CASCADE, related_name="contributor_responses"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=20, choices=Answer.choices)
    comments = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["overview", "agency"], name="contributor_response_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.answer}"


class ExecutiveSummary(FSMModelMixin, models.Model):
    """The public executive summary (15): written by the overview author, agreed by the
    panel, approved by the board chair with a release date, then released."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", "Being written"
        WITH_PANEL = "with_panel", "With the panel to agree"
        AGREED = "agreed", "Agreed by the panel"
        APPROVED = "approved", "Approved by the chair, waiting for its release date"
        RELEASED = "released", "Released"

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="executive_summary"
    )
    status = FSMField(
        max_length=20, choices=Status.choices, default=Status.DRAFTING, protected=True
    )
    # 15.1 a to c.
    process = models.TextField("Information about the review process", blank=True)
    key_issues = models.TextField("Key issues arising from the case", blank=True)
    recommendations = models.TextField("Recommendations", blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    sent_to_panel_at = models.DateTimeField(null=True, blank=True)
    panel_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    panel_agreed_at = models.DateTimeField(null=True, blank=True)
    panel_comments = models.TextField(blank=True)
    # 15.2: the chair takes related criminal proceedings into consideration.
    criminal_proceedings = models.TextField("Related criminal proceedings considered", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # 15.3: the chair agrees a release date; family members receive copies on it.
    release_date = models.DateField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # 15.4: media interest is coordinated through the chair.
    media_note = models.TextField("Media coordination", blank=True)

    class Meta:
        verbose_name_plural = "executive summaries"
        indexes = [models.Index(fields=["status", "release_date"])]

    def __str__(self) -> str:
        return f"Executive summary of {self.case}"

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFTING

    @transition(field=status, source=Status.DRAFTING, target=Status.WITH_PANEL)
    def send_to_panel(self):
        self.sent_to_panel_at = timezone.now()

    @transition(field=status, source=Status.WITH_PANEL, target=Status.DRAFTING)
    def return_to_author(self):
        pass

    @transition(field=status, source=Status.WITH_PANEL, target=Status.AGREED)
    def agree(self):
        self.panel_agreed_at = timezone.now()

    @transition(field=status, source=Status.AGREED, target=Status.APPROVED)
    def approve(self):
        self.approved_at = timezone.now()

    @transition(field=status, source=Status.APPROVED, target=Status.RELEASED)
    def release(self):
        self.released_at = timezone.now()

    # The chair takes back an agreement or approval before the release (a release held
    # by the identification check, or criminal proceedings that change the picture).
    @transition(field=status, source=[Status.AGREED, Status.APPROVED], target=Status.DRAFTING)
    def withdraw(self):
        self.release_date = None


class RedactionWaiver(models.Model):
    """A hit of the identification check that the author says does not identify anyone
    (a family name that is also an ordinary word), with the reason. Each is shown to
    the panel and the chair."""

    summary = models.ForeignKey(ExecutiveSummary, on_delete=models.CASCADE, related_name="waivers")
    term = models.CharField(max_length=300)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "term"], name="redaction_waiver_once")
        ]

    def __str__(self) -> str:
        return self.term


class FamilyRecipient(models.Model):
    """A family member who receives a copy of the summary on its release date (15.3)."""

    summary = models.ForeignKey(
        ExecutiveSummary, on_delete=models.CASCADE, related_name="recipients"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
