from django.apps import AppConfig


class ImrConfig(AppConfig):
    name = "imr"
    verbose_name = "Individual Management Reviews"

    def ready(self) -> None:
        from imr import attention, case_section, demo, documents, notifications, retention  # noqa: F401
        from scr import registry
        from scr.outbox import registry as outbox

        # What this stage adds to the core (scr.registry).
        registry.URLCONFS.register("imr.urls", "cases/")
        # String arguments of this stage's URLs that are ids, kept in the audit trail of a
        # refused access: a section's key, a report's part, a person or recommendation, a
        # version's number, an export's format.
        for name in ("key", "part", "person_id", "rec_id", "number", "fmt"):
            registry.AUDIT_URL_ARGUMENTS.register(name, "")
        outbox.register_job("imr.imr_notify", notifications.imr_notify)
