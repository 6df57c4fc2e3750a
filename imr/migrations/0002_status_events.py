"""Event rows (cases.StatusEvent) for the steps reviews took before their status changed
through scr.cases.status: the review's page and its versions now list the steps from
these rows, and would otherwise lose what they showed from the versions' own columns.

Each version (ImrSubmission) gives its submission and the director's or the panel's
decision on it, with who, when and the comments. The first nomination and a director's
return, whose time no column keeps, take theirs from their audit rows (the wording below
is the services' as it stood, with or without the status change before it). The rows are
written as the services write them, oldest first; a review that has rows is left alone.
"""

import re

from django.db import migrations

NOMINATED = re.compile(r"author user \d+, director user \d+$")


def _audit_rows(AuditEvent, imr) -> list[dict]:
    return list(
        AuditEvent.objects.filter(object_type="imr", object_id=str(imr.pk))
        .order_by("at", "pk")
        .values("at", "actor_id", "detail")
    )


def imr_steps(imr, submissions, audit: list[dict]) -> list[dict]:
    """The review's steps, as the services take them: transition, from, to, actor, time
    and note."""
    steps: list[dict] = []
    state = "nominating"

    def step(transition, to_status, at, actor_id, note=""):
        nonlocal state
        steps.append(
            {
                "transition": transition,
                "from_status": state,
                "to_status": to_status,
                "at": at,
                "actor_id": actor_id,
                "note": note or "",
            }
        )
        state = to_status

    first = next((row for row in audit if NOMINATED.search(row["detail"])), None)
    if first is not None:
        step("nominate", "chronology", first["at"], first["actor_id"])
    else:
        step("nominate", "chronology", imr.nominated_at or imr.invited_at, imr.nominated_by_id)
    panel_returned = False
    for version in submissions:
        chronology = version.part == "chronology"
        if chronology:
            step(
                "submit_chronology",
                "chronology_sign_off",
                version.submitted_at,
                version.submitted_by_id,
            )
        else:
            step("submit_report", "report_sign_off", version.submitted_at, version.submitted_by_id)
        if version.status == "returned_by_director":
            said = f"version {version.number} returned to the author"
            row = next((row for row in audit if row["detail"].endswith(said)), None)
            if chronology:
                name, target = "return_chronology", "chronology"
            elif panel_returned:
                name, target = "return_revision", "revision"
            else:
                name, target = "return_report", "report"
            at = row["at"] if row is not None else version.submitted_at
            actor_id = row["actor_id"] if row is not None else None
            step(name, target, at, actor_id, version.director_comments)
        elif version.status in ("countersigned", "returned_by_panel", "accepted"):
            signed = version.countersigned_at or version.submitted_at
            if chronology:
                step("countersign_chronology", "report", signed, version.countersigned_by_id)
            else:
                step("countersign_report", "panel_review", signed, version.countersigned_by_id)
            decided = version.panel_decided_at or signed
            if version.status == "returned_by_panel":
                step(
                    "panel_return",
                    "revision",
                    decided,
                    version.panel_decided_by_id,
                    version.panel_comments,
                )
                panel_returned = True
            elif version.status == "accepted":
                step(
                    "panel_accept",
                    "accepted",
                    decided,
                    version.panel_decided_by_id,
                    version.panel_comments,
                )
    return steps


def forwards(apps, schema_editor):
    Imr = apps.get_model("imr", "Imr")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    StatusEvent = apps.get_model("cases", "StatusEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind, _ = ContentType.objects.get_or_create(app_label="imr", model="imr")
    done = set(StatusEvent.objects.filter(subject_type=kind).values_list("subject_id", flat=True))
    rows = []
    for imr in Imr.objects.exclude(status="nominating").order_by("pk").iterator():
        if imr.pk in done:
            continue
        submissions = imr.submissions.order_by("number")
        for step in imr_steps(imr, submissions, _audit_rows(AuditEvent, imr)):
            rows.append(
                StatusEvent(case_id=imr.case_id, subject_type=kind, subject_id=imr.pk, **step)
            )
    StatusEvent.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("imr", "0001_initial"),
        ("cases", "0002_status_event"),
        ("audit", "0003_append_only_triggers"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
