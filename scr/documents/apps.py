from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "scr.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        # Its part in deleting a case whose retention period has passed.
        from scr.documents import engine, retention  # noqa: F401

        # Once at start-up: a WeasyPrint, pydyf or billiard the long-document pipeline is
        # not tested on says so in the log, and long documents are laid out in one pass.
        engine.check()
