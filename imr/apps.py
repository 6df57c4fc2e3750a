from django.apps import AppConfig


class ImrConfig(AppConfig):
    name = "imr"
    verbose_name = "Individual Management Reviews"

    def ready(self) -> None:
        from imr import attention, case_section, demo, documents, retention  # noqa: F401
