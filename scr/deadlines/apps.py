from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "scr.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines"

    def ready(self) -> None:
        from scr.deadlines import attention, services  # noqa: F401
        from scr.outbox import registry as outbox

        outbox.register_job("deadlines.extension_notify", services.extension_notify)
