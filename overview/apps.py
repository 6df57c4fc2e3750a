from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "Overview report"

    def ready(self) -> None:
        from django.conf import settings

        from overview import (  # noqa: F401
            attention,
            case_section,
            demo,
            documents,
            retention,
            sar_demo,
        )
        from overview import summary_services as summary
        from overview.tasks import summary_release_due_task
        from scr import registry
        from scr.outbox import registry as outbox

        # What this stage adds to the core (scr.registry).
        registry.URLCONFS.register("overview.urls", "cases/")
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
        outbox.register_attachment("overview.summary", summary.summary_pdf)
        outbox.register_on_sent("summary_copy", summary.summary_copy_sent)
