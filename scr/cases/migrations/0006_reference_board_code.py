import re

from django.db import migrations

OLD_FORM = re.compile(r"^[A-Z]{2,10}-\d{4}-\d+$")


def references_with_board_code(apps, schema_editor):
    """NSAB-SCR-2026-001 for SCR-2026-001: every board numbered SCR-YYYY-001, and a
    reference is to name one case across boards. The older form still finds its case
    (scr/cases/references.py)."""
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.select_related("board").order_by("pk").iterator():
        if not OLD_FORM.match(case.reference):
            continue
        case.reference = f"{case.board.code}-{case.reference}"
        case.save(update_fields=["reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_board_code_unique"),
        ("cases", "0005_review_type_required"),
    ]

    operations = [
        migrations.RunPython(references_with_board_code, migrations.RunPython.noop),
    ]
