from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "scr.audit"
    label = "audit"
    verbose_name = "Audit trail"
