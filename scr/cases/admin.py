"""Read-only views of cases for coordinators: stages change only through the service."""

from django.contrib import admin

from scr.accounts.admin import OwnBoardMixin
from scr.cases.models import Case, CaseEvent


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["at", "from_stage", "to_stage", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(OwnBoardMixin, admin.ModelAdmin):
    list_display = ["reference", "stage", "board", "created_at"]
    list_filter = ["stage"]
    search_fields = ["reference"]
    fields = ["reference", "board", "stage", "stage_changed_at", "created_at"]
    readonly_fields = fields
    inlines = [CaseEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
