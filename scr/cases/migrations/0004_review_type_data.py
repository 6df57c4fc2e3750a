from django.db import migrations


def every_case_on_the_2009_procedure(apps, schema_editor):
    """Every case so far ran the board's 2009 procedure: give each its board's copy of
    the built-in scr-2009 type (made from the file shipped with the code)."""
    from scr.reviewtypes.definition import builtin, parse

    Case = apps.get_model("cases", "Case")
    ReviewType = apps.get_model("reviewtypes", "ReviewType")
    data = builtin("scr-2009")
    definition = parse(data)
    for board_id in Case.objects.values_list("board_id", flat=True).distinct():
        review_type, _ = ReviewType.objects.get_or_create(
            board_id=board_id,
            code=definition.code,
            version=definition.version,
            defaults={
                "name": definition.name,
                "based_on": f"{definition.code}@{definition.version}",
                "definition": data,
            },
        )
        Case.objects.filter(board_id=board_id).update(review_type=review_type)


class Migration(migrations.Migration):
    # Its own migration: PostgreSQL builds the new column's index at the end of 0003, and
    # will not while rows updated in the same transaction have foreign-key checks pending.

    dependencies = [
        ("cases", "0003_review_type"),
    ]

    operations = [
        migrations.RunPython(every_case_on_the_2009_procedure, migrations.RunPython.noop),
    ]
