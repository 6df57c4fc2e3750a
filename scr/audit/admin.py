from django.contrib import admin

from scr.accounts.admin import OwnBoardMixin
from scr.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(OwnBoardMixin, admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit rows through the admin."""

    list_display = [
        "at",
        "actor_label",
        "action",
        "outcome",
        "object_type",
        "object_label",
        "ip_address",
    ]
    list_filter = ["action", "outcome", "object_type"]
    search_fields = ["actor_label", "object_label"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
