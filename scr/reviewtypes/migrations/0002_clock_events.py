"""Issue 17, slice 2: the clocks of a stored type say what the deadlines module's tables
said. Until now every case ran the hard-coded tables (which transition opens and meets
which clock, which decision each clock dates), whatever its type's clocks said; now the
case's type decides, so each stored copy of a built-in type gets the three things the
tables knew that its clocks did not: the panel's 7 days are met by the recommendation
too (6.2 a); the panel's 4 weeks, the 6 weeks and the overview's 4 months date the
decisions they did; an agency's report returned by the panel is due again. A clock is
changed only where it still says what the file said before, so the same cases run the
same clocks as they did: nothing moves for a running case."""

from django.db import migrations

# key -> (the setting, what the file said, what it says now)
CHANGES = {
    "panel_meeting": (
        "meets",
        "panel_meeting_recorded",
        ["panel_meeting_recorded", "record_recommendation"],
    ),
    "panel_recommendation": ("decisions", None, ["record_recommendation"]),
    "imrs_begin": ("decisions", None, ["start_imrs"]),
    "overview_report": ("decisions", None, ["submit_overview"]),
    "imr_report": ("opens", "imr_commissioned", ["imr_commissioned", "imr_report_returned"]),
    "agency_report": ("opens", "imr_commissioned", ["imr_commissioned", "imr_report_returned"]),
}


def clocks_say_what_the_tables_said(apps, schema_editor):
    ReviewType = apps.get_model("reviewtypes", "ReviewType")
    for review_type in ReviewType.objects.all():
        definition = review_type.definition
        changed = False
        for clock in definition.get("clocks", []):
            change = CHANGES.get(clock.get("key"))
            if change is None:
                continue
            setting, before, after = change
            if clock.get(setting) == before:
                clock[setting] = after
                changed = True
        if changed:
            review_type.save(update_fields=["definition"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviewtypes", "0001_initial"),
        # The cases' copies of the 2009 type are made there (from the file as it is now).
        ("cases", "0004_review_type_data"),
    ]

    operations = [
        migrations.RunPython(clocks_say_what_the_tables_said, migrations.RunPython.noop),
    ]
