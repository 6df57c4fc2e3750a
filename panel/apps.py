from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Review panel"

    def ready(self) -> None:
        from panel import attention, case_section, demo, documents, retention  # noqa: F401
