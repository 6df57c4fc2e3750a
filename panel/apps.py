from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Review panel"

    def ready(self) -> None:
        from panel import attention, case_section, demo, documents, retention, tasks  # noqa: F401
        from panel.models import PanelMeetingAttachment
        from scr import registry

        # What this stage adds to the core (scr.registry).
        registry.URLCONFS.register("panel.urls", "cases/")
        for task in (
            tasks.records_request_notify_task,
            tasks.decision_letter_send_task,
            tasks.screening_outcome_notify_task,
        ):
            registry.TASK_QUEUES.register(task.name, "emails")
        registry.CASE_FILES.register(
            PanelMeetingAttachment._meta.label, (PanelMeetingAttachment, "meeting__case")
        )
