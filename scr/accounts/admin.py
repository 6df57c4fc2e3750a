"""Administration for coordinators: their own board, its agencies and people.

A coordinator (staff, not superuser) sees and changes only their own board's rows.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from scr.accounts.models import Agency, Board, User


class OwnBoardMixin:
    board_field = "board"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{self.board_field: request.user.board_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "board":
                kwargs["queryset"] = Board.objects.filter(pk=request.user.board_id)
            elif db_field.name == "agency":
                kwargs["queryset"] = Agency.objects.filter(board_id=request.user.board_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Board)
class BoardAdmin(OwnBoardMixin, admin.ModelAdmin):
    board_field = "pk"
    list_display = ["name", "short_name", "regulator_short_name"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "reference_prefix"]}),
        (
            "Coordinator's contact details (shown in emails and documents)",
            {
                "fields": [
                    "coordinator_name",
                    "coordinator_position",
                    "coordinator_phone",
                    "coordinator_email",
                    "coordinator_address",
                ]
            },
        ),
        (
            "Regulator to notify (7 a, 14 f)",
            {"fields": ["regulator_name", "regulator_short_name", "regulator_email"]},
        ),
        (
            "Procedure clocks",
            {
                "fields": [
                    "panel_meeting_days",
                    "panel_recommendation_weeks",
                    "imrs_begin_weeks",
                    "overview_months",
                    "action_plan_weeks",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Agency)
class AgencyAdmin(OwnBoardMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "board"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(OwnBoardMixin, BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "agency", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["full_name", "email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title", "board", "agency"]}),
        ("Board-wide roles", {"fields": ["groups"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "last_login"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "board", "agency", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login"]
    filter_horizontal = ["groups"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser"]
        return fields
