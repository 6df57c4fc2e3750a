from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "Overview report"

    def ready(self) -> None:
        from overview import attention, case_section, demo, documents, retention  # noqa: F401
