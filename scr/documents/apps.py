from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "scr.documents"
    label = "documents"
    verbose_name = "Documents"
