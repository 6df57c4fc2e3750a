from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "scr.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        from scr.outbox import attention  # noqa: F401
