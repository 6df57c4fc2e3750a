"""The case record, its state machine, its history and the people on it."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from scr.accounts.models import Agency, Board
from scr.accounts.roles import CASE_ROLES, Role
from scr.cases.stages import Stage, stage_words
from scr.names import initials


class CasePerm(models.TextChoices):
    """What a user may do to a case: django-guardian codenames on Case.

    scr/access.py says which role holds which; no other module decides it.
    """

    VIEW = "view_case", "See the case"
    VIEW_STATUS = "view_case_status", "See the reference and stage of the case"
    ENDORSE_REFERRAL = "endorse_referral", "Endorse a referral for the chair (5)"
    DECIDE = "decide_case", "Take the chair's decisions on the case (5, 7, 15, 16)"
    RECOMMEND = "recommend_case", "Record the panel's recommendation (6.2)"
    MANAGE = "manage_case", "Run the case as its coordinator"
    SUBMIT_OVERVIEW = "submit_overview", "Submit the overview report (13)"


def _transition(*, label: str, perm: CasePerm, note_required: bool = False, page: str = "") -> dict:
    """A transition's metadata. `page` names the stage's own screen that takes it, in the
    words a user knows it by: such a transition is not generic, so the case page's 'Record
    a decision' neither offers nor takes it (scr.cases.services.case_transition_request).
    Words, not a URL name: the core does not name a stage app."""
    return {
        "label": label,
        "permission": perm,
        "note_required": note_required,
        "generic": not page,
        "page": page,
    }


class Case(FSMModelMixin, models.Model):
    """One referral and, where it goes on, its Serious Case Review.

    The subject is stored minimally: name and dates, shown as initials by default.
    The stage changes only through the transitions below, called by
    scr.cases.services.case_transition, which checks permission and writes history.
    """

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    subject_name = models.CharField(max_length=200)
    subject_date_of_birth = models.DateField(null=True, blank=True)
    subject_date_of_death = models.DateField(null=True, blank=True)
    stage = FSMField(
        max_length=30, choices=Stage.choices, default=Stage.REFERRAL_RECEIVED, protected=True
    )
    stage_changed_at = models.DateTimeField(default=timezone.now)
    # The version of its review type the case started with: it keeps it (scr/reviewtypes).
    review_type = models.ForeignKey(
        "reviewtypes.ReviewType", on_delete=models.PROTECT, related_name="cases"
    )
    agencies = models.ManyToManyField(Agency, through="CaseAgency", related_name="cases")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            # Unique across boards: the board's code leads it (scr/cases/references.py).
            models.UniqueConstraint(fields=["reference"], name="case_unique_reference"),
            models.UniqueConstraint(fields=["board", "year", "number"], name="case_unique_number"),
        ]
        indexes = [models.Index(fields=["board", "stage"])]
        permissions = [(p.value, p.label) for p in CasePerm if p != CasePerm.VIEW]

    def __str__(self) -> str:
        return self.reference

    @property
    def subject_initials(self) -> str:
        return initials(self.subject_name)

    @property
    def wording(self) -> dict[str, str]:
        """What the case's review type calls things: wording.review is 'Serious Case
        Review' or 'Safeguarding Adults Review', wording.subject 'vulnerable adult' or
        'adult with needs for care and support' (docs/review-types.md)."""
        return self.review_type.wording

    @property
    def stage_label(self) -> str:
        if self.stage == Stage.OTHER_REVIEW:  # the only stage named by the type
            return stage_words(self.stage, self.wording)
        return Stage(self.stage).label

    # Transitions: each checks its source and sets fields, nothing else (STYLE.md 3).
    # Stage issues add their own forms and side effects around them in services.

    @transition(
        field=stage,
        source=Stage.REFERRAL_RECEIVED,
        target=Stage.WITH_CHAIR,
        # Stage screens take these (their `page`): the agency lead endorses on the
        # referral's page (5); the chair decides on the chair's decision page (5, 7).
        custom=_transition(
            label="Endorse and send to the chair",
            perm=CasePerm.ENDORSE_REFERRAL,
            page="the referral's page, where the agency lead endorses it",
        ),
    )
    def send_to_chair(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.WITH_CHAIR,
        target=Stage.PANEL_CONVENED,
        custom=_transition(
            label="Ask the panel to meet", perm=CasePerm.DECIDE, page="the chair's decision page"
        ),
    )
    def convene_panel(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.PANEL_CONVENED,
        target=Stage.PANEL_RECOMMENDED,
        custom=_transition(
            label="Record the panel's recommendation",
            perm=CasePerm.RECOMMEND,
            page="the panel's recommendation page",
        ),
    )
    def record_recommendation(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        # After the panel's recommendation (7); straight from the referral where the type
        # has no panel (a Safeguarding Adults Review's decision).
        source=[Stage.PANEL_RECOMMENDED, Stage.WITH_CHAIR],
        target=Stage.REVIEW_COMMISSIONED,
        custom=_transition(
            label="Commission a Serious Case Review",
            perm=CasePerm.DECIDE,
            page="the chair's decision page",
        ),
    )
    def commission_review(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=[Stage.WITH_CHAIR, Stage.PANEL_RECOMMENDED],
        target=Stage.OTHER_REVIEW,
        custom=_transition(
            label="Route to another review",
            perm=CasePerm.DECIDE,
            note_required=True,
            page="the chair's decision page",
        ),
    )
    def route_other_review(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=[Stage.WITH_CHAIR, Stage.PANEL_RECOMMENDED],
        target=Stage.DECLINED,
        custom=_transition(
            label="Decline: no further action",
            perm=CasePerm.DECIDE,
            note_required=True,
            page="the chair's decision page",
        ),
    )
    def decline(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.REVIEW_COMMISSIONED,
        target=Stage.IMRS_IN_PROGRESS,
        # The IMR stage's commissioning screen takes it (10).
        custom=_transition(
            label="Commission the management reviews",
            perm=CasePerm.MANAGE,
            page="the page commissioning the management reviews",
        ),
    )
    def start_imrs(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.IMRS_IN_PROGRESS,
        target=Stage.OVERVIEW_IN_PROGRESS,
        # The overview's start page takes it once every review is accepted (13.1).
        custom=_transition(
            label="Start the overview report",
            perm=CasePerm.MANAGE,
            page="the overview report's start page",
        ),
    )
    def start_overview(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.OVERVIEW_IN_PROGRESS,
        target=Stage.WITH_BOARD,
        custom=_transition(
            label="Submit the overview report to the board",
            perm=CasePerm.SUBMIT_OVERVIEW,
            page="the overview report's submit page",
        ),
    )
    def submit_overview(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.WITH_BOARD,
        target=Stage.EXECUTIVE_SUMMARY,
        # The receipt checklist takes it when 14 a to e are done.
        custom=_transition(
            label="Record the board's receipt",
            perm=CasePerm.MANAGE,
            page="the overview report's receipt checklist",
        ),
    )
    def receive_overview(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.EXECUTIVE_SUMMARY,
        target=Stage.ACTION_PLANS,
        # The chair's approval of the summary takes it (15.2).
        custom=_transition(
            label="Approve the executive summary",
            perm=CasePerm.DECIDE,
            page="the executive summary's page, where the chair approves it",
        ),
    )
    def approve_summary(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.ACTION_PLANS,
        target=Stage.MONITORING,
        # The monitoring start page takes it once every plan is accepted (16).
        custom=_transition(
            label="Start monitoring the action plans",
            perm=CasePerm.MANAGE,
            page="the page starting the monitoring of the action plans",
        ),
    )
    def start_monitoring(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.MONITORING,
        target=Stage.CLOSED,
        # The close page takes it once every action is complete (16).
        custom=_transition(
            label="Close the case", perm=CasePerm.DECIDE, page="the page closing the case"
        ),
    )
    def close(self):
        self.stage_changed_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.CLOSED,
        target=Stage.MONITORING,
        custom=_transition(
            label="Reopen the case",
            perm=CasePerm.DECIDE,
            note_required=True,
            page="the page reopening the case",
        ),
    )
    def reopen(self):
        self.stage_changed_at = timezone.now()


class CaseSequence(models.Model):
    """The last case number used by a board in a year; locked to allocate the next."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "year"], name="case_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.board_id}/{self.year}: {self.last_number}"


class CaseAgency(models.Model):
    """A key agency involved in the case (5, 9, 10)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_agencies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_links")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "case agencies"
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="case_agency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency} on {self.case}"


class CaseEvent(models.Model):
    """One change of stage: the case history and the procedure's record of decisions."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=50)
    from_stage = models.CharField(max_length=30, choices=Stage.choices)
    to_stage = models.CharField(max_length=30, choices=Stage.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage} -> {self.to_stage}"


class StatusEvent(models.Model):
    """One change of any other status the procedure cares about: a referral, an agency's
    review, the overview report, the executive summary, an action plan, a piece of
    evidence, an extension, a letter. Written only by scr.cases.status.status_change,
    with the audit row; the history pages read these rows."""

    # The case the subject belongs to; empty for a referral still in draft.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="status_events"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    transition = models.CharField(max_length=50)
    from_status = models.CharField(max_length=30)
    to_status = models.CharField(max_length=30)
    # Empty for a change the service made on its own (a clock, a sweep).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="status_event_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject_type_id}/{self.subject_id}: {self.from_status} -> {self.to_status}"


class CaseAssignment(models.Model):
    """A person's role on one case. Grants the role's object permissions while it exists."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    role = models.CharField(max_length=30, choices=[(r.value, r.label) for r in CASE_ROLES])
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["role", "assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user", "role"], name="case_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} as {Role(self.role).label} on {self.case}"


# django-guardian's direct foreign-key permission tables: one indexed join per list
# instead of generic relations (and no orphaned rows when a case is deleted).
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
