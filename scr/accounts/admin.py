"""Administration for coordinators: their own board, its agencies and people.

A coordinator (staff, not superuser) sees and changes only their own board's rows. They
cannot raise anyone's powers to their own or above: the coordinator and chair roles,
staff and superuser status, a person's board, and their own account are managed by a
superuser.

Nobody sets another person's password or changes their email address here, superusers
included: a new person, or one who lost their password, gets a link at their own address
to set it themselves. Every change to someone else's roles, board, agency or access is an
audit row and an email to them.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from scr.accounts.models import Agency, Board, User
from scr.accounts.roles import Role, group_label, group_name
from scr.accounts.services import coordinator_admin_access
from scr.accounts.two_factor import security_change_notify
from scr.accounts.two_factor_services import second_factor_reset
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


class BoardForm(forms.ModelForm):
    """A board's own settings. The default review type must be one the board may start a
    case of today (a built-in type or its own, whose screens exist)."""

    class Meta:
        model = Board
        fields = ["default_review_type"]

    def clean_default_review_type(self):
        from scr.reviewtypes.services import definition_for, not_runnable

        code = self.cleaned_data["default_review_type"].strip()
        try:
            definition = definition_for(self.instance, code)
        except KeyError:
            raise forms.ValidationError(
                "No review type has this code: see Review types for the codes."
            ) from None
        problems = not_runnable(definition)
        if problems:
            raise forms.ValidationError(
                f"A {definition.name} cannot be started yet: " + "; ".join(problems) + "."
            )
        return code


@admin.register(Board)
class BoardAdmin(OwnBoardMixin, admin.ModelAdmin):
    board_field = "pk"
    form = BoardForm
    list_display = ["name", "short_name", "code", "regulator_short_name", "default_review_type"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "code", "reference_prefix"]}),
        ("The review a new case is", {"fields": ["default_review_type"]}),
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
        # Case references are made from the code and prefix (unique across boards), and
        # retention decides when content is deleted for good: a superuser's job.
        readonly = ["code", "reference_prefix", "retention_years"]
        return [] if request.user.is_superuser else readonly

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


class NewPersonForm(forms.ModelForm):
    """A new person: no password field. They set their own from the emailed link."""

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "board", "agency"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


# What someone else may change of a person that the person is told about (by email) and
# the audit trail records: their roles are told in save_related.
TOLD_FIELDS = {
    "board": "board",
    "agency": "agency",
    "is_active": "active",
    "is_staff": "administration access",
    "is_superuser": "superuser",
    "full_name": "name",
    "job_title": "job title",
}


@admin.register(User)
class UserAdmin(OwnBoardMixin, BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "agency", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["full_name", "email"]
    add_form = NewPersonForm
    fieldsets = [
        (None, {"fields": ["email"]}),
        ("Person", {"fields": ["full_name", "job_title", "board", "agency"]}),
        ("Board-wide roles", {"fields": ["groups"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "last_login"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "job_title", "board", "agency"],
                "description": "They are emailed a link to set their own password.",
            },
        )
    ]
    readonly_fields = ["last_login"]
    filter_horizontal = ["groups"]
    actions = ["reset_second_factor", "send_password_link"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None or request.user.is_superuser:
            return form
        board_id = request.user.board_id

        class OnOwnBoard(form):
            """A coordinator's new person is on their board before the form is checked
            (the board is not theirs to choose, and the agency must be the board's)."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.board_id = board_id

        return OnOwnBoard

    def user_change_password(self, request, id, form_url=""):
        """Nobody sets another person's password: "Send a link to set a new password"
        sends one to the person's own address."""
        raise PermissionDenied("Nobody sets another person's password")

    @admin.action(description="Send a link to set a new password", permissions=["change"])
    def send_password_link(self, request, queryset):
        """To the person's own address only: whoever holds the mailbox sets it."""
        done = 0
        for user in queryset:
            if self._protected(request, user) or not user.is_active:
                continue
            security_change_notify(user=user, change="password_link")
            self._audit(request, user, "link to set a new password sent", label="password")
            done += 1
        self.message_user(request, f"A link to set a new password was sent to {done} people.")

    @admin.action(description="Reset two-factor sign-in (lost phone)", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """The person sets up a new authenticator app at their next sign-in; their
        sessions end and they are told by email. Not for protected accounts."""
        done = 0
        for user in queryset:
            if self._protected(request, user):
                continue
            second_factor_reset(user=user)
            self._audit(request, user, "two-factor sign-in reset", label="second factor")
            done += 1
        self.message_user(request, f"Two-factor sign-in reset for {done} people.")

    def _audit(self, request, user, detail: str, *, label: str = "") -> None:
        """One row of the trail for a change made here to someone's account."""
        audit_record(
            action=Action.CHANGE,
            actor=request.user,
            obj=user,
            board=user.board,
            request=request,
            label=label,
            detail=detail,
        )

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
        if obj is not None:
            # An address is where the reset links go: changing it would hand the account
            # to whoever holds the new mailbox.
            fields.append("email")
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
        if not change:
            audit_record(
                action=Action.CREATE, actor=request.user, obj=obj, board=obj.board, request=request
            )
            security_change_notify(user=obj, change="account_created")
            return
        changed = [label for name, label in TOLD_FIELDS.items() if name in form.changed_data]
        if changed and obj.pk != request.user.pk:
            self._audit(request, obj, f"account changed: {', '.join(changed)}")
            security_change_notify(user=obj, change="account_changed")

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        user = form.instance
        after = set(user.groups.values_list("name", flat=True))
        if after != before:
            added = ", ".join(sorted(map(group_label, after - before))) or "-"
            removed = ", ".join(sorted(map(group_label, before - after))) or "-"
            self._audit(request, user, f"roles added: {added}; removed: {removed}")
            if change and user.pk != request.user.pk:
                security_change_notify(user=user, change="roles_changed")
        if group_name(Role.COORDINATOR) in after:
            coordinator_admin_access(user=user)
