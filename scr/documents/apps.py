from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "scr.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        # Its part in deleting a case whose retention period has passed.
        from scr.documents import retention  # noqa: F401
