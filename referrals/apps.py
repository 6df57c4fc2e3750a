from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from referrals import attention, case_section, demo, retention  # noqa: F401
        from referrals.tasks import referral_notify_task
        from scr import registry

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
        registry.TASK_QUEUES.register(referral_notify_task.name, "emails")
        registry.AUDIT_URL_ARGUMENTS.register("referral_id", "referral")
