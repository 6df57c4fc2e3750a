from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "scr.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines"

    def ready(self) -> None:
        from scr.deadlines import attention  # noqa: F401
