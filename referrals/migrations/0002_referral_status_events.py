"""Issue 16 item 3: a referral's status is a state machine that changes only through
scr.cases.status.status_change, and its history is StatusEvent rows like every other
status's. Each ReferralEvent becomes one StatusEvent, in order: the status before each
is the one the referral's previous event left (a draft before the first). The
ReferralEvent model goes in the next migration."""

import django_fsm
from django.db import migrations

# ReferralEvent.kind (the status it led to) -> the transition that took the referral there.
TRANSITIONS = {"submitted": "submit", "returned": "return_to_referrer", "endorsed": "endorse"}


def to_status_events(apps, schema_editor):
    ReferralEvent = apps.get_model("referrals", "ReferralEvent")
    StatusEvent = apps.get_model("cases", "StatusEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    events = ReferralEvent.objects.order_by("referral_id", "at", "pk").values_list(
        "referral_id", "referral__case_id", "kind", "by_id", "at", "note"
    )
    if not events.exists():
        return
    subject_type, _ = ContentType.objects.get_or_create(app_label="referrals", model="referral")
    status, rows = {}, []
    for referral_id, case_id, kind, by_id, at, note in events.iterator():
        rows.append(
            StatusEvent(
                case_id=case_id,
                subject_type=subject_type,
                subject_id=referral_id,
                transition=TRANSITIONS[kind],
                from_status=status.get(referral_id, "draft"),
                to_status=kind,
                actor_id=by_id,
                at=at,
                note=note,
            )
        )
        status[referral_id] = kind
    StatusEvent.objects.bulk_create(rows, batch_size=1000)


def to_referral_events(apps, schema_editor):
    ReferralEvent = apps.get_model("referrals", "ReferralEvent")
    StatusEvent = apps.get_model("cases", "StatusEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    subject_type = ContentType.objects.filter(app_label="referrals", model="referral").first()
    if subject_type is None:
        return
    events = StatusEvent.objects.filter(subject_type=subject_type)
    ReferralEvent.objects.bulk_create(
        [
            ReferralEvent(
                referral_id=e.subject_id, kind=e.to_status, by_id=e.actor_id, at=e.at, note=e.note
            )
            for e in events.order_by("at", "pk")
            if e.actor_id is not None
        ],
        batch_size=1000,
    )
    events.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("cases", "0002_status_event"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Waiting for the agency lead"),
                    ("returned", "Returned to the referrer"),
                    ("endorsed", "Sent to the board chair"),
                ],
                default="draft",
                max_length=10,
                protected=True,
            ),
        ),
        migrations.RunPython(to_status_events, to_referral_events),
    ]
