"""Administration for coordinators: their own board, its agencies and people.

A coordinator (staff, not superuser) sees and changes only their own board's rows. They
cannot raise anyone's powers to their own or above: the coordinator and chair roles,
staff and superuser status, a person's board, and their own account are managed by a
superuser. Every change of roles goes into the audit trail.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from scr.accounts.models import Agency, Board, User
from scr.accounts.roles import Role, group_label, group_name
from scr.accounts.two_factor import second_factor_reset
from scr.audit.services import Action, audit_record

# Roles only a superuser gives: they carry the powers of the administration itself.
PROTECTED_ROLES = (Role.COORDINATOR, Role.BOARD_CHAIR)
PROTECTED_GROUPS = [group_name(role) for role in PROTECTED_ROLES]


class OwnBoardMixin:
    board_field = "board"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        if not request.user.board_id:
            return qs.none()
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
                    "working_days",
                    "reminder_offsets",
                ]
            },
        ),
        ("Retention (information governance)", {"fields": ["retention_years"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Case references are made from the prefix, and retention decides when content is
        # deleted for good: both are a superuser's job.
        return [] if request.user.is_superuser else ["reference_prefix", "retention_years"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Agency)
class AgencyAdmin(OwnBoardMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "board"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.board_id = request.user.board_id
        super().save_model(request, obj, form, change)


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
    actions = ["reset_second_factor"]

    @admin.action(description="Reset two-factor sign-in (lost phone)", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """The person sets up a new authenticator app at their next sign-in; their
        sessions end and they are told by email. Not for protected accounts."""
        done = 0
        for user in queryset:
            if self._protected(request, user):
                continue
            second_factor_reset(user=user)
            audit_record(
                action=Action.CHANGE,
                actor=request.user,
                obj=user,
                board=user.board,
                request=request,
                label="second factor",
                detail="two-factor sign-in reset",
            )
            done += 1
        self.message_user(request, f"Two-factor sign-in reset for {done} people.")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def _protected(self, request, obj) -> bool:
        """A coordinator may not change their own account, a superuser, or anyone who
        holds the coordinator's or the chair's role: that would let them take it over
        (change its email, then reset its password) or raise their own powers."""
        if request.user.is_superuser or obj is None:
            return False
        return (
            obj.pk == request.user.pk
            or obj.is_superuser
            or obj.groups.filter(name__in=PROTECTED_GROUPS).exists()
        )

    def has_change_permission(self, request, obj=None):
        if self._protected(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["board", "is_staff", "is_superuser"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(name__in=PROTECTED_GROUPS)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            # Groups are named by the role's stored value; people read its label.
            field.label_from_instance = lambda group: group_label(group.name)
        return field

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.board_id = request.user.board_id
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        user = form.instance
        after = set(user.groups.values_list("name", flat=True))
        if after != before:
            added = ", ".join(sorted(map(group_label, after - before))) or "-"
            removed = ", ".join(sorted(map(group_label, before - after))) or "-"
            audit_record(
                action=Action.CHANGE,
                actor=request.user,
                obj=user,
                board=user.board,
                request=request,
                detail=f"roles added: {added}; removed: {removed}",
            )
        if group_name(Role.COORDINATOR) in after and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
