import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Its own migration (its own transaction): PostgreSQL will not alter a table with the
    # previous migration's updates still pending their deferred foreign-key checks.

    dependencies = [
        ("cases", "0004_review_type_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="review_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="reviewtypes.reviewtype",
            ),
        ),
    ]
