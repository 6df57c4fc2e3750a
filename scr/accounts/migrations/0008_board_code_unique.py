import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    # Its own migration (its own transaction): the codes are all set before the index.
    dependencies = [
        ("accounts", "0007_board_code"),
    ]

    operations = [
        migrations.AlterField(
            model_name="board",
            name="code",
            field=models.CharField(
                blank=True,
                help_text="Starts every new case reference, for example NSAB-SCR-2026-007. "
                "Unique to the board; cases opened before a change keep their references. "
                "Left blank, it is made from the board's initials.",
                max_length=6,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2,6}$", "Use 2 to 6 capital letters A to Z, for example NSAB"
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="board",
            name="reference_prefix",
            field=models.CharField(
                default="SCR",
                help_text="Case references read CODE-PREFIX-YEAR-NUMBER, for example "
                "NSAB-SCR-2026-007.",
                max_length=10,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2,10}$", "Use 2 to 10 capital letters, for example SCR"
                    )
                ],
            ),
        ),
    ]
