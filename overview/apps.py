from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "Overview report"

    def ready(self) -> None:
        from overview import attention, case_section, demo, documents, retention, summary  # noqa: F401
        from scr.outbox import registry as outbox

        outbox.register_attachment("overview.summary", summary.summary_pdf)
        outbox.register_on_sent("summary_copy", summary.summary_copy_sent)
