# A meeting paper in the columns every uploaded file has (scr.uploads.StoredFile): the
# same lengths as the evidence's. Both only grow: no value is cut.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0005_panelmeetingattachment"),
    ]

    operations = [
        migrations.AlterField(
            model_name="panelmeetingattachment",
            name="original_name",
            field=models.CharField(max_length=255),
        ),
        migrations.AlterField(
            model_name="panelmeetingattachment",
            name="stored_name",
            field=models.CharField(max_length=100, unique=True),
        ),
    ]
