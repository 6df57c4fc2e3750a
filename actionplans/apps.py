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
        )
