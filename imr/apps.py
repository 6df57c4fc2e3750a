from django.apps import AppConfig


class ImrConfig(AppConfig):
    name = "imr"
    verbose_name = "Individual Management Reviews"

    def ready(self) -> None:
        from imr import attention, case_section, demo, documents, retention, services  # noqa: F401
        from scr.outbox import registry as outbox

        outbox.register_job("imr.imr_notify", services.imr_notify)
