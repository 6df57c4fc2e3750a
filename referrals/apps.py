from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from referrals import attention, case_section, demo, retention, services  # noqa: F401
        from scr.outbox import registry as outbox

        outbox.register_job("referrals.referral_notify", services.referral_notify)
