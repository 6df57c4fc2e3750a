"""The action plans (16; Appendix C's action plan template): the chair's letter to each
agency named in the overview's recommendations, and the plan each agency returns.

A plan with no agency is the board's own management action plan (14 b) for the
recommendations addressed to the board.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition


class ChairLetter(FSMModelMixin, models.Model):
    """The chair's letter (16): the areas for improvement, and the request for an action
    plan within the board's period. Drafted by the service, approved and sent by the
    chair; sending starts the agency's clock."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="chair_letters")
    # None: the board's own management action plan (14 b).
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommendations = models.ManyToManyField("overview.Recommendation", related_name="letters")
    body = models.TextField()
    revision = models.PositiveIntegerField(default=1)
    status = FSMField(max_length=10, choices=Status.choices, default=Status.DRAFT, protected=True)
    drafted_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # Who the email went to, as addresses at the time (people move on); and those the
    # worker has emailed, each claimed before sending so a retry never sends it twice.
    sent_to = models.JSONField(default=list, blank=True)
    emailed_to = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["case", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=Q(agency__isnull=False),
                name="chair_letter_once_per_agency",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(agency__isnull=True), name="chair_letter_once_board"
            ),
        ]

    def __str__(self) -> str:
        return f"Letter to {self.agency or 'the board'} on {self.case}"

    @property
    def addressee(self) -> str:
        return self.agency.name if self.agency_id else "the board (management action plan)"

    # 16: the chair approves the letter and sends it (transitions only set fields).
    @transition(field=status, source=Status.DRAFT, target=Status.SENT)
    def send_letter(self):
        pass


class ActionPlan(FSMModelMixin, models.Model):
    """One agency's action plan (or the board's, with no agency), in Appendix C's form."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", "Being written"
        SUBMITTED = "submitted", "Submitted to the board"
        RETURNED = "returned", "Returned by the coordinator"
        ACCEPTED = "accepted", "Accepted"

    EDITABLE = (Status.DRAFTING, Status.RETURNED)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="action_plans")
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    letter = models.OneToOneField(ChairLetter, on_delete=models.PROTECT, related_name="plan")
    status = FSMField(
        max_length=20, choices=Status.choices, default=Status.DRAFTING, protected=True
    )
    # Appendix C: the lead person, and a named person only if different.
    lead = models.JSONField(default=dict, blank=True)
    named = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "agency__name"]

    def __str__(self) -> str:
        return f"Action plan of {self.agency or 'the board'} on {self.case}"

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def owner_name(self) -> str:
        return self.agency.name if self.agency_id else "The board"

    # Transitions: each checks its source and sets fields, nothing else (STYLE.md 3); the
    # services set who and when, the same moment as the event row's.

    @transition(field=status, source=[Status.DRAFTING, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.RETURNED)
    def return_to_agency(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.ACCEPTED)
    def accept(self):
        pass


class PlanAction(models.Model):
    """A key action of a plan: its number (1.1, 1.2 ...) under the overview's
    recommendation, the evidence the agency will provide, the outcome and the date."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    recommendation = models.ForeignKey(
        "overview.Recommendation", on_delete=models.PROTECT, related_name="plan_actions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField("Key action")
    evidence = models.TextField("Evidence you will provide", blank=True)
    outcome = models.TextField("Key outcome", blank=True)
    target_date = models.DateField("Date", null=True, blank=True)
    # The SMART check flags a vague verb alone ('consider', 'review'); the author may say
    # the action is specific enough as written.
    vague_confirmed = models.BooleanField(default=False)

    # 16: carrying the plan out. Complete only when the coordinator accepts its evidence;
    # overdue is read from the date at render time, never stored.
    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    progress = models.CharField(
        max_length=15, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # The board evaluates the outcome (impact) once the action is complete.
    outcome_evaluated = models.TextField("How the outcome was evaluated", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "recommendation__number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "recommendation", "position"], name="plan_action_position_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} of {self.plan}"

    @property
    def number(self) -> str:
        return f"{self.recommendation.number}.{self.position}"


class ActionUpdate(models.Model):
    """A progress update on an action (16: evidence that the plan is being carried out)."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Update on {self.action_id}"


class Evidence(FSMModelMixin, models.Model):
    """A file the agency gives as evidence that an action is done (16), stored outside
    the web root (scr.uploads) and served only through the permission checks. The action
    is complete when the coordinator accepts its evidence."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the coordinator"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Not enough"

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="evidence_files")
    description = models.TextField()
    file_name = models.CharField(max_length=100)  # a name in the private storage (scr.uploads)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = FSMField(max_length=10, choices=Status.choices, default=Status.WAITING, protected=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        # Never the file's name: it is what the user typed, and may name the adult (the
        # audit trail labels objects by this).
        return f"Evidence {self.pk}"

    # 16: the coordinator accepts the evidence (the action is complete), or finds it not
    # enough (transitions only set fields).
    @transition(field=status, source=Status.WAITING, target=Status.ACCEPTED)
    def accept(self):
        pass

    @transition(field=status, source=Status.WAITING, target=Status.REJECTED)
    def reject(self):
        pass
