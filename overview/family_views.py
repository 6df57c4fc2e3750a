"""The family of the overview report (13.4 e): the outline family tree, the people the
service thinks are one for the author to answer, and the author's corrections."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imr.template import RELATIONSHIPS
from overview import access as overview_access
from overview import family_services
from overview.family import family_members, family_people, family_tree, merge_suggestions
from overview.models import FamilyMember
from overview.views import load, overview_url
from scr.dates import day_text
from scr.fields import BIRTH, PAST, GovukDateField
from scr.formtools import form_page, submit


class FamilyMemberForm(forms.Form):
    """The author's correction of a person (13.4 e). The adult has no relationship."""

    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the name"}
    )
    relationship = forms.ChoiceField(
        label="Relationship to the adult",
        choices=[("", "Choose")] + RELATIONSHIPS,
        error_messages={"required": "Choose the relationship to the adult"},
    )
    relationship_detail = forms.CharField(
        label="Describe the relationship (optional)",
        max_length=200,
        required=False,
        help_text="For example daughter, granddaughter, brother, lodger.",
    )
    date_of_birth = GovukDateField(
        name="the date of birth", label="Date of birth (optional)", required=False, when=BIRTH
    )
    date_of_death = GovukDateField(
        name="the date of death",
        label="Date of death (if they have died)",
        required=False,
        when=PAST,
    )

    def __init__(self, *args, subject: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if subject:
            del self.fields["relationship"]
            del self.fields["relationship_detail"]


def _family_url(case) -> str:
    return overview_url(case, "overview:family")


@require_GET
@login_required
def family(request, reference: str):
    """The tree with names: everyone who reaches this page reads the confidential report.
    The suggestions and corrections are the author's alone, while it is being written."""
    case, overview, perms = load(request, reference)
    can_write = overview_access.may_write_overview(perms) and overview.editable
    members = family_members(overview)
    people = family_people(members)
    by_pk = {person.member.pk: person for person in people}
    suggestions = merge_suggestions(overview, members=members) if can_write else []
    return form_page(
        request,
        "overview/family.html",
        {
            "case": case,
            "overview": overview,
            "confidential": True,
            "tree": family_tree(overview, names=True, members=members),
            "people": people,
            "differing": [person for person in people if person.differences],
            "suggestions": [
                {
                    "reason": s.reason,
                    "first": by_pk[s.first.pk],
                    "second": by_pk[s.second.pk],
                    "pair": [by_pk[s.first.pk], by_pk[s.second.pk]],
                }
                for s in suggestions
            ],
            "others": [person for person in people if not person.member.is_subject],
            "can_write": can_write,
        },
    )


def _ids(request, *names: str) -> list[int] | None:
    try:
        return [int(request.POST[name]) for name in names]
    except (KeyError, ValueError):
        return None


def _answer(request, reference: str, action, names: tuple[str, str], success: str):
    """Run the author's answer to a suggestion: readers get 403, a refusal is shown as a
    message on the family page."""
    case, overview, perms = load(request, reference)
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied
    ids = _ids(request, *names)
    if ids is None:
        messages.error(request, "Choose the two people")
        return redirect(_family_url(case))
    try:
        action(case_id=case.pk, by=request.user, **dict(zip(names, ids, strict=True)))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(_family_url(case))


@require_POST
@login_required
def family_merge(request, reference: str):
    """13.4 e: the author confirms two people are one."""
    return _answer(
        request,
        reference,
        family_services.family_merge,
        ("keep_id", "merge_id"),
        "The two people are now one, with every agency's report.",
    )


@require_POST
@login_required
def family_not_same(request, reference: str):
    """13.4 e: the author says two people are not one; the pair is not suggested again."""
    return _answer(
        request,
        reference,
        family_services.family_not_same,
        ("first_id", "second_id"),
        "Recorded: they are not the same person.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def family_member_edit(request, reference: str, member_id: int):
    """The author corrects a person; what the agencies reported stays as accepted."""
    case, overview, perms = load(request, reference)
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied
    member = get_object_or_404(FamilyMember, overview=overview, pk=member_id)
    initial = {
        "name": member.name,
        "relationship": member.relationship,
        "relationship_detail": member.relationship_detail,
        # As people type them (dd/mm/yyyy), not as the template would print a date.
        "date_of_birth": day_text(member.date_of_birth) if member.date_of_birth else "",
        "date_of_death": day_text(member.date_of_death) if member.date_of_death else "",
    }
    form = FamilyMemberForm(request.POST or None, initial=initial, subject=member.is_subject)
    done = None
    if overview.editable:
        done = submit(
            request,
            form,
            lambda data: family_services.family_member_update(
                case_id=case.pk,
                by=request.user,
                member_id=member.pk,
                name=data["name"],
                relationship=data.get("relationship", ""),
                relationship_detail=data.get("relationship_detail", ""),
                date_of_birth=data["date_of_birth"],
                date_of_death=data["date_of_death"],
            ),
            success=lambda m: f"{m.name} is corrected.",
            redirect_to=_family_url(case),
        )
    elif request.method == "POST":
        form.is_valid()
        form.add_error(None, f"The overview report is ‘{overview.status_label}’: it cannot change.")
    return done or form_page(
        request,
        "overview/family_member_form.html",
        {
            "case": case,
            "overview": overview,
            "member": member,
            "form": form,
            "confidential": True,
        },
    )
