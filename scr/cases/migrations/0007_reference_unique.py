from django.db import migrations, models


class Migration(migrations.Migration):
    # Its own migration (its own transaction): the references are all rewritten first.
    dependencies = [
        ("cases", "0006_reference_board_code"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="case", name="case_unique_reference"),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=("reference",), name="case_unique_reference"),
        ),
    ]
