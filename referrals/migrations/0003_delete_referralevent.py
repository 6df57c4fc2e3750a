"""A referral's history is StatusEvent rows now (0002 copied every ReferralEvent)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_referral_status_events"),
    ]

    operations = [
        migrations.DeleteModel(name="ReferralEvent"),
    ]
