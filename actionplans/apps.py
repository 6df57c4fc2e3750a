from django.apps import AppConfig


def _oversees_the_board(user) -> bool:
    from scr import access

    return access.is_board_officer(user)


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
        from actionplans.models import Evidence
        from scr import registry
        from scr.outbox import registry as outbox

        # What this stage adds to the core (scr.registry).
        registry.URLCONFS.register("actionplans.urls", "cases/")
        # The events of this stage a review type's clocks may name (scr.deadlines).
        for event, words in (
            ("chair_letter_sent", "The chair's letter sent to an agency"),
            ("action_plan_accepted", "An agency's action plan accepted"),
            ("action_agreed", "An action of an accepted plan, with its date"),
            ("action_completed", "An action's evidence accepted"),
        ):
            registry.CLOCK_EVENTS.register(event, words)
        # The board's monitoring (16): for the coordinators and chairs, last in the menu.
        registry.NAVIGATION.register(
            "Monitoring",
            registry.NavLink(
                "Monitoring", "actionplans:monitoring", order=100, shown_to=_oversees_the_board
            ),
        )
        registry.CASE_FILES.register(Evidence._meta.label, (Evidence, "action__plan__case"))
        registry.AUDIT_URL_ARGUMENTS.register("fmt", "")  # an export's format
        outbox.register_attachment("actionplans.chair_letter", services.letter_pdf)
        outbox.register_on_sent("chair_letter", services.letter_emailed)
