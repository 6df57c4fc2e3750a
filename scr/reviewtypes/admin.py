"""Review types in the administration: a coordinator copies a built-in type for their
board (or makes the board's own kind of review from one) and changes its wording, its
clocks' durations and who is told. A version a case uses is never edited: saving a
change to it makes the next version, which new cases take. Every change is checked as
the built-in files are (scr.reviewtypes.definition.parse) and recorded in the audit trail.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse

from scr.accounts.admin import OwnBoardMixin
from scr.deadlines.calendar import Unit
from scr.reviewtypes.definition import (
    NOTIFY_ON,
    RECIPIENTS,
    WORDING,
    builtin,
    builtin_files,
    parse,
)
from scr.reviewtypes.models import ReviewType
from scr.reviewtypes.services import (
    change_refusals,
    code_taken,
    review_type_change,
    review_type_copy,
)

RECIPIENT_LABELS = {
    "regulator": "The regulator (the board's setting, for example CQC)",
    "national_panel": "The Child Safeguarding Practice Review Panel",
    "home_office_qa_panel": "The Home Office quality assurance panel",
}
NOTIFY_LABELS = {
    "notification": "When a serious incident is notified",
    "decision": "When the decision on a review is made",
    "report": "When the report is ready, before publication",
}


class ReviewTypeCopyForm(forms.ModelForm):
    """A new type of the board's: a copy of a built-in type (of the board's newest version
    of it, where it has one). The board's list holds the boards the person may choose
    (OwnBoardMixin)."""

    source = forms.ChoiceField(label="Copy", help_text="The type to start from.")
    new_code = forms.RegexField(
        label="Code",
        required=False,
        regex=r"^[a-z][a-z0-9-]{1,38}$",
        help_text="Leave empty for the board's copy of the type itself. For the board's own "
        "kind of review, a short code in lower-case letters, digits and hyphens, for "
        "example dardr.",
        error_messages={"invalid": "Use lower-case letters, digits and hyphens, for example dardr"},
    )
    new_name = forms.CharField(label="Name", required=False, max_length=200)

    class Meta:
        model = ReviewType
        fields = ["board"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            (code, f"{parse(builtin(code)).name} ({code})") for code in sorted(builtin_files())
        ]

    def clean(self):
        cleaned = super().clean()
        board, source = cleaned.get("board"), cleaned.get("source")
        if "new_code" in self.errors:
            return cleaned  # a code not written as codes are is its own error, not a clash
        if board is not None and source and code_taken(board, cleaned.get("new_code") or source):
            self.add_error(
                "new_code" if cleaned.get("new_code") else "source",
                "The board already has a type with this code: change that one, or give a new code.",
            )
        return cleaned


def change_form_class(review_type: ReviewType) -> type[forms.ModelForm]:
    """A form for this type's definition: its name, wording, the durations of its clocks
    that have one, and who is told of what."""
    definition = review_type.parsed
    attrs: dict[str, object] = {
        "new_name": forms.CharField(label="Name", max_length=200, initial=definition.name)
    }
    for key in WORDING:
        attrs[f"wording_{key}"] = forms.CharField(
            label=f"Wording: {key.replace('_', ' ')}",
            max_length=100,
            initial=definition.wording[key],
        )
    for clock in definition.clocks:
        if clock.amount is None or clock.board_setting:
            continue
        # Labels are escaped where they are shown; help texts are not (tests/security).
        source = f" ({clock.reference})" if clock.reference else ""
        attrs[f"clock_{clock.key}_amount"] = forms.IntegerField(
            label=f"{clock.label}{source}: amount",
            min_value=1,
            max_value=999,
            initial=clock.amount,
        )
        attrs[f"clock_{clock.key}_unit"] = forms.ChoiceField(
            label=f"{clock.label}: unit", choices=Unit.choices, initial=clock.unit
        )
        attrs[f"clock_{clock.key}_working_days"] = forms.BooleanField(
            label=f"{clock.label}: count working days", required=False, initial=clock.working_days
        )
    for event in NOTIFY_ON:
        attrs[f"notify_{event}"] = forms.MultipleChoiceField(
            label=NOTIFY_LABELS[event],
            required=False,
            choices=[(r, RECIPIENT_LABELS[r]) for r in RECIPIENTS],
            widget=forms.CheckboxSelectMultiple,
            initial=[r for on, r in definition.notify if on == event],
        )
    attrs["Meta"] = type("Meta", (), {"model": ReviewType, "fields": []})
    return type("ReviewTypeChangeForm", (ReviewTypeChangeForm,), attrs)


class ReviewTypeChangeForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            refusals = change_refusals(self.instance, self.definition())
            if refusals:
                raise ValidationError(refusals)
        return cleaned

    def definition(self) -> dict:
        """The type's definition with this form's changes."""
        data = copy.deepcopy(self.instance.definition)
        cleaned = self.cleaned_data
        data["name"] = cleaned["new_name"]
        data["wording"] = {**data.get("wording", {})}
        for key in WORDING:
            data["wording"][key] = cleaned[f"wording_{key}"]
        for clock in data.get("clocks", []):
            if f"clock_{clock.get('key')}_amount" not in cleaned:
                continue
            key = clock["key"]
            clock["amount"] = cleaned[f"clock_{key}_amount"]
            clock["unit"] = cleaned[f"clock_{key}_unit"]
            clock["working_days"] = cleaned[f"clock_{key}_working_days"]
        data["notify"] = [
            {"on": event, "recipient": recipient}
            for event in NOTIFY_ON
            for recipient in cleaned.get(f"notify_{event}", [])
        ]
        return data


@admin.register(ReviewType)
class ReviewTypeAdmin(OwnBoardMixin, admin.ModelAdmin):
    list_display = ["name", "code", "version", "based_on", "board", "case_count"]
    list_filter = ["code"]
    ordering = ["board", "code", "-version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(case_total=Count("cases"))

    @admin.display(description="Cases", ordering="case_total")
    def case_count(self, obj) -> int:
        return obj.case_total

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["board", "source", "new_code", "new_name"]})]
        names = list(change_form_class(obj).base_fields)
        set_on_board = [c.label for c in obj.parsed.clocks if c.board_setting]
        clocks = "Each clock's duration, and whether it counts working days."
        if set_on_board:
            clocks += (
                " The board sets these on its own page (Boards), for every case of this "
                f"type: {', '.join(set_on_board)}."
            )
        return [
            (None, {"fields": ["new_name"]}),
            (
                "Wording",
                {
                    "fields": [n for n in names if n.startswith("wording_")],
                    "description": "The words pages, emails and documents use for this type.",
                },
            ),
            (
                "Clocks",
                {"fields": [n for n in names if n.startswith("clock_")], "description": clocks},
            ),
            ("Who is told", {"fields": [n for n in names if n.startswith("notify_")]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs.update(form=ReviewTypeCopyForm, fields=["board"])
            return super().get_form(request, obj, change=change, **kwargs)
        form = change_form_class(obj)
        kwargs.update(form=form, fields=[])
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            if change:
                saved = review_type_change(
                    review_type_id=obj.pk, by=request.user, data=form.definition()
                )
            else:
                saved = review_type_copy(
                    board=form.cleaned_data["board"],
                    by=request.user,
                    source=form.cleaned_data["source"],
                    code=form.cleaned_data["new_code"],
                    name=form.cleaned_data["new_name"],
                )
        except ValidationError as refused:
            # The forms' clean asks the same questions first: only a race gets here.
            messages.error(request, "; ".join(refused.messages))
            return
        obj.new_version = change and saved.pk != obj.pk
        if obj.new_version:
            messages.info(
                request,
                f"Cases use version {obj.version}, so it is kept as it is: your change is "
                f"version {saved.version}, which new cases take.",
            )
        obj.pk, obj.version, obj.code, obj.name = saved.pk, saved.version, saved.code, saved.name

    def response_change(self, request, obj):
        """'Save and continue editing' goes on with the version the change made."""
        if "_continue" in request.POST and getattr(obj, "new_version", False):
            return HttpResponseRedirect(
                reverse("admin:reviewtypes_reviewtype_change", args=[obj.pk])
            )
        return super().response_change(request, obj)

    def get_changeform_initial_data(self, request):
        """A new type is of the person's own board, copied from the 2009 procedure unless
        they choose another."""
        return {"board": request.user.board_id, "source": "scr-2009"}

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or not obj.cases.exists())
