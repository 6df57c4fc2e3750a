from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "scr.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Register the core's entries in the attention and document registries.
        from scr.cases import attention, documents, services  # noqa: F401
        from scr.outbox import registry as outbox

        outbox.register_job("cases.case_event_notify", services.case_event_notify)
