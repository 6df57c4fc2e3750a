# The evidence's stored file in the columns every uploaded file has (scr.uploads.StoredFile):
# file_name is renamed, its values kept, and a stored name is unique like the panel's.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0002_status_events"),
    ]

    operations = [
        migrations.RenameField(model_name="evidence", old_name="file_name", new_name="stored_name"),
        migrations.AlterField(
            model_name="evidence",
            name="stored_name",
            field=models.CharField(max_length=100, unique=True),
        ),
    ]
