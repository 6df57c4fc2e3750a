# A meeting paper may be for the panel only (issue 20). Papers uploaded before the choice
# existed were shown to everyone who sees the case in full: they stay so (False); new
# papers are for the panel only unless the uploader says otherwise (True).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0007_review_basis"),
    ]

    operations = [
        migrations.AddField(
            model_name="panelmeetingattachment",
            name="panel_only",
            field=models.BooleanField(
                default=False, verbose_name="Only the panel may see this paper"
            ),
        ),
        migrations.AlterField(
            model_name="panelmeetingattachment",
            name="panel_only",
            field=models.BooleanField(
                default=True, verbose_name="Only the panel may see this paper"
            ),
        ),
    ]
