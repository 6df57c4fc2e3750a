"""The audit trail and the change history in the administration, read-only.

Audit rows: the coordinator sees their own board's, filters them and exports the rows
the filters chose as CSV (the export is itself an audit row). Change records hold
content, so only the coordinator of the board sees them, and never those of an
agency's own work (an IMR draft is its agency's alone, scr.access)."""

from datetime import UTC

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone

from scr.access import change_records_visible_to, may_read_change_records
from scr.accounts.admin import OwnBoardMixin
from scr.audit.models import AuditEvent, ChangeRecord
from scr.audit.services import Action, audit_record
from scr.exports import csv_response

EXPORT_HEADER = [
    "Time (UTC)",
    "Who",
    "Board",
    "Action",
    "Outcome",
    "Object type",
    "Object id",
    "Object",
    "Detail",
    "IP address",
]


def _utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes these rows through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(OwnBoardMixin, ReadOnlyAdmin):
    change_list_template = "admin/audit/auditevent/change_list.html"
    list_display = [
        "at",
        "actor_label",
        "action",
        "outcome",
        "object_type",
        "object_label",
        "ip_address",
    ]
    list_filter = [
        "action",
        "outcome",
        "object_type",
        ("at", admin.DateFieldListFilter),
        # Only the boards of the rows the user may see: a coordinator, their own.
        ("board", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["actor_label", "object_label"]
    date_hierarchy = "at"
    list_select_related = ["board"]

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_view),
            name="audit_auditevent_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The rows the list's filters and search chose, all of them, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect("admin:audit_auditevent_changelist")
        events = changelist.queryset.select_related("board")
        count = events.count()
        rows = (
            [
                _utc(event.at),
                event.actor_label,
                event.board.short_name if event.board else "",
                event.action,
                event.outcome,
                event.object_type,
                event.object_id,
                event.object_label,
                event.detail,
                event.ip_address or "",
            ]
            for event in events.iterator(chunk_size=2000)
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        # csv_response writes every row before the export's own row is added.
        response = csv_response(f"audit-trail-{stamp}.csv", EXPORT_HEADER, rows)
        # Names of the filters only: a search term is what someone typed.
        filters = ",".join(sorted(changelist.params)) or "none"
        audit_record(
            action=Action.EXPORT,
            actor=request.user,
            request=request,
            detail=f"audit trail CSV: {count} rows; filters: {filters}",
        )
        return response


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    """The coordinator's own board only, a superuser's too: content is for those who may
    read the object, and a superuser as such is not one of them."""

    list_display = ["at", "by", "object_label", "object_type", "object_id", "field"]
    list_filter = ["object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["object_label", "field"]
    date_hierarchy = "at"
    list_select_related = ["by"]
    fields = ["at", "by", "object_type", "object_id", "object_label", "field", "before", "after"]

    def get_queryset(self, request):
        return change_records_visible_to(request.user).select_related("by")

    def has_module_permission(self, request):
        return may_read_change_records(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)
