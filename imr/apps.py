from django.apps import AppConfig


class ImrConfig(AppConfig):
    name = "imr"
    verbose_name = "Individual Management Reviews"

    def ready(self) -> None:
        from imr import (  # noqa: F401
            attention,
            case_section,
            demo,
            documents,
            notifications,
            retention,
            s45_attention,
            s45_case_section,
        )
        from imr.models import InformationReplyFile
        from scr import registry
        from scr.outbox import registry as outbox

        # What this stage adds to the core (scr.registry).
        registry.URLCONFS.register("imr.urls", "cases/")
        # The events of this stage a review type's clocks may name (scr.deadlines).
        for event, words in (
            ("imr_commissioned", "An agency asked for its review"),
            ("imrs_all_begun", "Every agency's review begun"),
            ("imr_chronology_countersigned", "An agency's chronology countersigned"),
            ("imr_report_countersigned", "An agency's report countersigned"),
            ("imr_report_returned", "An agency's report returned by the panel"),
            ("s45_request_sent", "A request for information sent (s45)"),
            ("s45_reply_received", "A reply to a request for information received (s45)"),
        ):
            registry.CLOCK_EVENTS.register(event, words)
        # A request for information under s45 is its agency's and the board's officers'
        # business: another agency on the case does not learn who was asked, or when.
        registry.PRIVATE_CLOCKS.register(
            "s45_reply", "A reply to a request for information (s45): who was asked"
        )
        # String arguments of this stage's URLs that are ids, kept in the audit trail of a
        # refused access: a section's key, a report's part, a person or recommendation, a
        # version's number, an export's format.
        for name in ("key", "part", "person_id", "rec_id", "number", "fmt"):
            registry.AUDIT_URL_ARGUMENTS.register(name, "")
        outbox.register_job("imr.imr_notify", notifications.imr_notify)
        outbox.register_job("imr.s45_notify", notifications.s45_notify)
        registry.CASE_FILES.register(
            InformationReplyFile._meta.label, (InformationReplyFile, "request__case")
        )
