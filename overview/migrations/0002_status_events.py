"""Event rows (cases.StatusEvent) for the steps the overview report and the executive
summary took before their status changed through scr.cases.status: their pages now list
the steps from these rows, and would otherwise lose what they showed from the columns.

The report: its submission (submitted_at, by submitted_by) and the board's receipt
(received_at, by whoever recorded the last of steps 14 a to e). The summary: its steps
from its audit rows (the wording below is the services' as it stood, with or without the
status change before it), each with who and when; the panel's comments, which only the
last return or withdrawal kept, go with that step. A summary whose audit rows do not
lead to its status (rows seeded in bulk) takes its steps from its dated columns instead.
Rows are written as the services write them, oldest first; anything with rows is left
alone.
"""

from django.db import migrations

# The summary's state machine (overview.models.ExecutiveSummary), as it stood.
SUMMARY = {
    "send_to_panel": (("drafting",), "with_panel"),
    "return_to_author": (("with_panel",), "drafting"),
    "agree": (("with_panel",), "agreed"),
    "approve": (("agreed",), "approved"),
    "release": (("approved",), "released"),
    "withdraw": (("agreed", "approved"), "drafting"),
}
SAID = {
    "executive summary sent to the panel": "send_to_panel",
    "returned by the panel": "return_to_author",
    "agreed by the panel": "agree",
    "approved by the chair": "approve",
    "executive summary released": "release",
    "agreement or approval withdrawn by the chair": "withdraw",
}
# Steps that record the panel's comments (or the chair's reason, in the same column).
COMMENTED = ("agree", "return_to_author", "withdraw")
RECEIPT = ("contributors", "action_plan", "availability", "dissemination", "feedback")


def _walk(candidates) -> tuple[list[dict], str]:
    """The steps of `candidates` (transition, at, actor_id) the machine allows, in order,
    each with its from and to, and the state they end in."""
    state, steps = "drafting", []
    for transition, at, actor_id in candidates:
        sources, target = SUMMARY[transition]
        if state not in sources:
            continue
        steps.append(
            {
                "transition": transition,
                "from_status": state,
                "to_status": target,
                "at": at,
                "actor_id": actor_id,
                "note": "",
            }
        )
        state = target
    return steps, state


def summary_steps(summary, audit: list[dict]) -> list[dict]:
    """The summary's steps from its audit rows (at, actor_id, detail), oldest first; from
    its columns where those do not lead to its status."""
    said = [
        (transition, row["at"], row["actor_id"])
        for row in audit
        for words, transition in SAID.items()
        if row["detail"] == words or row["detail"].endswith(f": {words}")
    ]
    steps, state = _walk(said)
    if state != summary.status:
        dated = [
            ("send_to_panel", summary.sent_to_panel_at, None),
            ("agree", summary.panel_agreed_at, summary.panel_agreed_by_id),
            ("approve", summary.approved_at, summary.approved_by_id),
            ("release", summary.released_at, None),
        ]
        steps, _ = _walk([step for step in dated if step[1] is not None])
    commented = [step for step in steps if step["transition"] in COMMENTED]
    if commented:
        commented[-1]["note"] = summary.panel_comments
    return steps


def overview_steps(overview, receipt: list[dict]) -> list[dict]:
    """The report's submission and receipt from its columns; `receipt` its items of 14 a
    to e (done_at, done_by_id)."""
    steps = []
    if overview.status in ("with_board", "received"):
        steps.append(
            {
                "transition": "submit",
                "from_status": "drafting",
                "to_status": "with_board",
                "at": overview.submitted_at or overview.started_at,
                "actor_id": overview.submitted_by_id,
                "note": "",
            }
        )
    if overview.status == "received":
        last = max(receipt, key=lambda item: item["done_at"], default=None)
        steps.append(
            {
                "transition": "receive",
                "from_status": "with_board",
                "to_status": "received",
                "at": overview.received_at or (last["done_at"] if last else steps[0]["at"]),
                "actor_id": last["done_by_id"] if last else None,
                "note": "",
            }
        )
    return steps


def forwards(apps, schema_editor):
    Overview = apps.get_model("overview", "Overview")
    ExecutiveSummary = apps.get_model("overview", "ExecutiveSummary")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    StatusEvent = apps.get_model("cases", "StatusEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = []
    kind, _ = ContentType.objects.get_or_create(app_label="overview", model="overview")
    done = set(StatusEvent.objects.filter(subject_type=kind).values_list("subject_id", flat=True))
    for overview in Overview.objects.exclude(status="drafting").order_by("pk").iterator():
        if overview.pk in done:
            continue
        receipt = list(overview.receipt.filter(key__in=RECEIPT).values("done_at", "done_by_id"))
        for step in overview_steps(overview, receipt):
            rows.append(
                StatusEvent(
                    case_id=overview.case_id, subject_type=kind, subject_id=overview.pk, **step
                )
            )
    kind, _ = ContentType.objects.get_or_create(app_label="overview", model="executivesummary")
    done = set(StatusEvent.objects.filter(subject_type=kind).values_list("subject_id", flat=True))
    for summary in ExecutiveSummary.objects.order_by("pk").iterator():
        if summary.pk in done:
            continue
        audit = list(
            AuditEvent.objects.filter(object_type="executivesummary", object_id=str(summary.pk))
            .order_by("at", "pk")
            .values("at", "actor_id", "detail")
        )
        for step in summary_steps(summary, audit):
            rows.append(
                StatusEvent(
                    case_id=summary.case_id, subject_type=kind, subject_id=summary.pk, **step
                )
            )
    StatusEvent.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("overview", "0001_initial"),
        ("cases", "0002_status_event"),
        ("audit", "0003_append_only_triggers"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
