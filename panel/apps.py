from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Review panel"

    def ready(self) -> None:
        from panel import attention, case_section, demo, documents, retention, services  # noqa: F401
        from panel.models import PanelMeetingAttachment
        from scr import registry
        from scr.outbox import registry as outbox

        # What this stage adds to the core (scr.registry).
        registry.URLCONFS.register("panel.urls", "cases/")
        # The events of this stage a review type's clocks may name (scr.deadlines).
        registry.CLOCK_EVENTS.register("panel_meeting_recorded", "The panel's meeting recorded")
        registry.CASE_FILES.register(
            PanelMeetingAttachment._meta.label, (PanelMeetingAttachment, "meeting__case")
        )
        outbox.register_job("panel.records_request_notify", services.records_request_notify)
        outbox.register_job("panel.screening_outcome_notify", services.screening_outcome_notify)
        outbox.register_attachment("panel.decision_letter", services.decision_letter_pdf)
        outbox.register_on_sent("decision_letter", services.decision_letter_sent)
