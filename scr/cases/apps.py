from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "scr.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Register the core's entries in the attention and document registries.
        from scr.cases import attention, documents  # noqa: F401
