from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "Overview report"

    def ready(self) -> None:
        from django.conf import settings

        from overview import attention, case_section, demo, documents, retention  # noqa: F401
        from overview.tasks import summary_copies_send_task, summary_release_due_task
        from scr import registry

        # What this stage adds to the core (scr.registry).
        registry.URLCONFS.register("overview.urls", "cases/")
        registry.TASK_QUEUES.register(summary_copies_send_task.name, "emails")
        # 15.3: executive summaries are released on the date the chair agreed.
        registry.BEAT_ENTRIES.register(
            "summary-release",
            {
                "task": summary_release_due_task.name,
                "schedule": 60.0 * settings.DEADLINE_SWEEP_MINUTES,
            },
        )
        for name in ("key", "fmt"):  # a section's key, an export's format
            registry.AUDIT_URL_ARGUMENTS.register(name, "")
