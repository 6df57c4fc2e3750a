from django.contrib import admin

from scr.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        if not request.user.board_id:
            return qs.none()
        return qs.filter(board_id=request.user.board_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
