from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        from actionplans import (  # noqa: F401
            attention,
            case_section,
            demo,
            documents,
            monitoring,
            retention,
            services,
        )
        from scr.outbox import registry as outbox

        outbox.register_attachment("actionplans.chair_letter", services.letter_pdf)
        outbox.register_on_sent("chair_letter", services.letter_emailed)
