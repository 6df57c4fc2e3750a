"""Issue 17, slice 2: a clock's kind is the key of one of its case's review type's clocks,
named by the type; the choices go, the stored keys stay as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0004_extension_status_fsm"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deadline",
            name="kind",
            field=models.CharField(max_length=30),
        ),
    ]
