from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from referrals import attention, case_section, demo, retention, services  # noqa: F401
        from scr import registry
        from scr.outbox import registry as outbox

        # What this stage adds to the core (scr.registry).
        registry.URLCONFS.register("referrals.urls", "referrals/")
        registry.NAVIGATION.register(
            "Referrals",
            registry.NavLink(
                "Referrals",
                "referrals:referral-list",
                order=40,
                active_under="referrals:referral-list",
            ),
        )
        registry.AUDIT_URL_ARGUMENTS.register("referral_id", "referral")
        from referrals.questions import WORDS

        for key, words in WORDS.items():
            registry.REFERRAL_QUESTIONS.register(key, words)
        outbox.register_job("referrals.referral_notify", services.referral_notify)
