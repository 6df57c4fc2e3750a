"""Issue 16 item 3: an extension's status is a state machine that changes only through
scr.cases.status.status_change, which writes a StatusEvent for each change. Each request
already decided gets its event from what the row kept: the decision, by whom (nobody for
a lapse), when, and the chair's note."""

import django_fsm
from django.db import migrations

TRANSITIONS = {"approved": "approve", "refused": "refuse", "lapsed": "lapse"}


def backfill_events(apps, schema_editor):
    Extension = apps.get_model("deadlines", "Extension")
    StatusEvent = apps.get_model("cases", "StatusEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    decided = (
        Extension.objects.filter(status__in=TRANSITIONS, decided_at__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "deadline__case_id", "status", "decided_by_id", "decided_at", "decision_note"
        )
    )
    if not decided.exists():
        return
    subject_type, _ = ContentType.objects.get_or_create(app_label="deadlines", model="extension")
    StatusEvent.objects.bulk_create(
        [
            StatusEvent(
                case_id=case_id,
                subject_type=subject_type,
                subject_id=pk,
                transition=TRANSITIONS[status],
                from_status="requested",
                to_status=status,
                actor_id=by_id,
                at=at,
                note=note,
            )
            for pk, case_id, status, by_id, at, note in decided.iterator()
        ],
        batch_size=1000,
    )


def remove_events(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    subject_type = ContentType.objects.filter(app_label="deadlines", model="extension").first()
    if subject_type is not None:
        apps.get_model("cases", "StatusEvent").objects.filter(subject_type=subject_type).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0003_calendar_feed_token_hash"),
        ("cases", "0002_status_event"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="extension",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("requested", "Waiting for the chair"),
                    ("approved", "Approved"),
                    ("refused", "Refused"),
                    ("lapsed", "Lapsed: the clock stopped first"),
                ],
                default="requested",
                max_length=10,
                protected=True,
            ),
        ),
        migrations.RunPython(backfill_events, remove_events),
    ]
