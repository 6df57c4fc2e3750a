"""Issue 16 item 3: a chair's letter, a piece of evidence and an action plan change status
only through scr.cases.status.status_change, which writes a StatusEvent for each change;
the plan's page lists them. What happened before is rebuilt here:

- a letter sent: its sending, by the chair who sent it;
- evidence decided: the coordinator's decision, with their comments;
- a plan: every submission, return and acceptance, from the plan's audit rows (the only
  place a return followed by a resubmission was kept); where there are none, from its
  columns (the last submission and the last decision). The coordinator's comments are
  kept with the last decision only: earlier ones were overwritten.
"""

import django_fsm
from django.db import migrations

# The plan's audit detail (actionplans.services) -> the transition and where it led.
PLAN_STEPS = {
    "action plan submitted": ("submit", "submitted"),
    "action plan returned": ("return_to_agency", "returned"),
    "action plan accepted": ("accept", "accepted"),
}
DECISIONS = {"returned": "return_to_agency", "accepted": "accept"}
# Where a plan's first known step starts from.
SOURCE = {"submit": "drafting", "return_to_agency": "submitted", "accept": "submitted"}


def _plan_steps(plan, audited: list) -> list[tuple]:
    """(transition, status it led to, actor id, at) of each step the plan took, oldest
    first: its audit rows when they lead to where the plan is, otherwise its columns."""
    steps = [(*PLAN_STEPS[detail], actor_id, at) for detail, actor_id, at in audited]
    if steps and steps[-1][1] == plan.status:
        return steps
    steps = []
    if plan.submitted_at is not None:
        steps.append(("submit", "submitted", plan.submitted_by_id, plan.submitted_at))
    if plan.decided_at is not None:
        # A plan submitted again after a return still holds that return's columns.
        led_to = "returned" if plan.status in ("submitted", "returned") else plan.status
        if led_to in DECISIONS:
            steps.append((DECISIONS[led_to], led_to, plan.decided_by_id, plan.decided_at))
    return sorted(steps, key=lambda step: step[3])


def backfill_events(apps, schema_editor):
    StatusEvent = apps.get_model("cases", "StatusEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ChairLetter = apps.get_model("actionplans", "ChairLetter")
    Evidence = apps.get_model("actionplans", "Evidence")
    ActionPlan = apps.get_model("actionplans", "ActionPlan")
    AuditEvent = apps.get_model("audit", "AuditEvent")

    def subject_type(model):
        return ContentType.objects.get_or_create(app_label="actionplans", model=model)[0]

    rows = []
    letters = ChairLetter.objects.filter(status="sent", sent_at__isnull=False).order_by("pk")
    if letters.exists():
        letter_type = subject_type("chairletter")
        rows += [
            StatusEvent(
                case_id=letter.case_id,
                subject_type=letter_type,
                subject_id=letter.pk,
                transition="send_letter",
                from_status="draft",
                to_status="sent",
                actor_id=letter.sent_by_id,
                at=letter.sent_at,
            )
            for letter in letters.iterator()
        ]
    decided = (
        Evidence.objects.filter(status__in=("accepted", "rejected"), decided_at__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "action__plan__case_id", "status", "decided_by_id", "decided_at", "comments"
        )
    )
    if decided.exists():
        evidence_type = subject_type("evidence")
        rows += [
            StatusEvent(
                case_id=case_id,
                subject_type=evidence_type,
                subject_id=pk,
                transition="accept" if led_to == "accepted" else "reject",
                from_status="waiting",
                to_status=led_to,
                actor_id=by_id,
                at=at,
                note=comments,
            )
            for pk, case_id, led_to, by_id, at, comments in decided.iterator()
        ]
    plans = ActionPlan.objects.exclude(status="drafting").order_by("pk")
    if plans.exists():
        plan_type = subject_type("actionplan")
        audited: dict[str, list] = {}
        for object_id, detail, actor_id, at in (
            AuditEvent.objects.filter(object_type="actionplan", detail__in=PLAN_STEPS)
            .order_by("at", "pk")
            .values_list("object_id", "detail", "actor_id", "at")
            .iterator()
        ):
            audited.setdefault(object_id, []).append((detail, actor_id, at))
        for plan in plans.iterator():
            steps = _plan_steps(plan, audited.get(str(plan.pk), []))
            # The comments are the last decision's.
            last_decision = max(
                (i for i, step in enumerate(steps) if step[0] != "submit"), default=None
            )
            before = SOURCE[steps[0][0]] if steps else None
            for i, (name, led_to, actor_id, at) in enumerate(steps):
                rows.append(
                    StatusEvent(
                        case_id=plan.case_id,
                        subject_type=plan_type,
                        subject_id=plan.pk,
                        transition=name,
                        from_status=before,
                        to_status=led_to,
                        actor_id=actor_id,
                        at=at,
                        note=plan.comments if i == last_decision else "",
                    )
                )
                before = led_to
    StatusEvent.objects.bulk_create(rows, batch_size=1000)


def remove_events(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.filter(
        app_label="actionplans", model__in=("chairletter", "evidence", "actionplan")
    )
    apps.get_model("cases", "StatusEvent").objects.filter(subject_type__in=types).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0001_initial"),
        ("audit", "0003_append_only_triggers"),
        ("cases", "0002_status_event"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="chairletter",
            name="status",
            field=django_fsm.FSMField(
                choices=[("draft", "Draft"), ("sent", "Sent")],
                default="draft",
                max_length=10,
                protected=True,
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("waiting", "Waiting for the coordinator"),
                    ("accepted", "Accepted"),
                    ("rejected", "Not enough"),
                ],
                default="waiting",
                max_length=10,
                protected=True,
            ),
        ),
        migrations.RunPython(backfill_events, remove_events),
    ]
