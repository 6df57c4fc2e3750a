"""Calendar feed secrets are kept only as a hash (#20). Addresses already given out keep
working: their stored secret is hashed in place."""

import hashlib

from django.db import migrations


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("deadlines", "CalendarFeed")
    for feed in CalendarFeed.objects.all():
        feed.token_hash = hashlib.sha256(feed.token_hash.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


def cannot_unhash(apps, schema_editor):
    # A hash cannot be turned back into the address: the feeds go, people make new ones.
    apps.get_model("deadlines", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0002_subject"),
    ]

    operations = [
        migrations.RenameField(model_name="calendarfeed", old_name="token", new_name="token_hash"),
        migrations.RunPython(hash_tokens, cannot_unhash),
    ]
