"""The author's pages for the draft: sections 1, 2, 4, 5 and 6, the glossary and the
checks before submission (the chronology, section 3: imr/chronology_views.py).

Only the author writes. The agency's lead and director may read these pages; the
board's readers never see a draft (404)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from imr import access as imr_access
from imr import draft_services, sections
from imr.forms import GlossaryForm, PersonForm, RecommendationForm
from imr.models import Imr, Part, Section
from imr.selectors import (
    imr_checks,
    section_row,
    terms_of_reference,
    unexplained_abbreviations,
)
from imr.views import imr_url, load, team_only
from scr.formtools import MISSING_REVISION, add_service_errors, form_page, submit

PAGE_SIZE = 100


def _draft(request, reference, agency_id, *, write: bool):
    """(case, imr, roles) for the agency's own pages; only the author may write."""
    case, imr, roles, _ = load(request, reference, agency_id)
    team_only(roles)
    if write and request.method == "POST" and not imr_access.is_imr_author(roles):
        raise PermissionDenied
    return case, imr, roles


def _refused(request, error: ValidationError):
    """A removal refused (stale or tampered): say why on the same page, change nothing."""
    messages.error(request, " ".join(error.messages))
    return redirect(request.path)


def _posted_revision(request) -> int:
    """The revision a removal was asked from; a missing or tampered value is refused like
    a stale one."""
    try:
        return int(request.POST.get("revision") or MISSING_REVISION)
    except ValueError:
        raise ValidationError("This page is out of date: open it again and retry.") from None


def _save_section(request, form, imr, definition):
    """Run the section's save; answer an autosave with JSON. Returns a response, or None
    to show the form again (with the service's errors on it)."""
    try:
        section = draft_services.imr_section_update(
            case_id=imr.case_id,
            agency_id=imr.agency_id,
            by=request.user,
            section=definition.key,
            data=form.cleaned_data,
            revision=form.cleaned_data.get("revision"),
        )
    except ValidationError as error:
        if request.POST.get("autosave"):
            return JsonResponse({"error": " ".join(error.messages)}, status=409)
        add_service_errors(form, error)
        return None
    if request.POST.get("autosave"):
        saved = timezone.localtime(section.updated_at).strftime("%H:%M")
        return JsonResponse({"revision": section.revision, "saved": saved})
    messages.success(request, f"{definition.title} is saved.")
    return redirect(imr_url(imr))


def _section_page(request, case, imr, roles, key, form, extra=None):
    row = section_row(imr, key)
    return form_page(
        request,
        "imr/section_form.html",
        {
            "case": case,
            "imr": imr,
            "form": form,
            "key": key,
            "title": Section(key).label,
            "is_author": imr_access.is_imr_author(roles),
            "editable": imr_access.is_imr_author(roles) and imr.editable,
            "row": row,
            "confidential": True,
            **(extra or {}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request, reference: str, agency_id: int, key: str):
    """Sections 1, 4 and 5, section 2's adult and section 6's contacts: the form each
    section's definition names (imr/sections.py)."""
    if key not in sections.BY_KEY or sections.BY_KEY[key].rows:
        raise Http404("No such section")
    definition = sections.BY_KEY[key]
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    row = section_row(imr, key)
    data = (dict(row.data) if row else {}) or definition.default(imr)
    terms = terms_of_reference(case)[0]
    initial = {**definition.initial(data), "revision": row.revision if row else 0}
    form = definition.form(request.POST or None, initial=initial, **definition.form_kwargs(terms))
    if request.method == "POST":
        if form.is_valid():
            done = _save_section(request, form, imr, definition)
            if done is not None:
                return done
        elif request.POST.get("autosave"):
            return JsonResponse(
                {"error": "Not saved: check the highlighted answers and save."}, status=400
            )
    extra = {"terms": terms, **definition.page(data)}
    return _section_page(request, case, imr, roles, key, form, extra)


def _item_page(imr, definition, item_id, missing: str):
    """(the item, or None for a new one; its form's initial data). 404 (`missing`) for an
    item that is not in the section's list."""
    row = section_row(imr, definition.key)
    data = dict(row.data) if row else definition.default(imr)
    items = data.get(definition.items.name, [])
    item = next((i for i in items if i.get("id") == item_id), None) if item_id else None
    if item_id and item is None:
        raise Http404(missing)
    initial = definition.items.initial(item) if item else {}
    initial["revision"] = row.revision if row else 0
    return item, initial


def _item_edit(request, imr, definition, item, form, *, saved, removed):
    """Remove `item` (when asked to and it is there), or save the form's item: a
    response, or None to show the form again. `saved(item)` and `removed`: the messages."""
    ids = {"case_id": imr.case_id, "agency_id": imr.agency_id, "by": request.user}
    back = imr_url(imr, "imr:section-edit", definition.key)
    item_id = item["id"] if item else None
    if request.POST.get("remove") and item:
        try:
            draft_services.imr_section_item_remove(
                **ids, section=definition.key, item_id=item_id, revision=_posted_revision(request)
            )
        except ValidationError as error:
            return _refused(request, error)
        messages.success(request, removed)
        return redirect(back)
    return submit(
        request,
        form,
        lambda data: draft_services.imr_section_item_save(
            **ids,
            section=definition.key,
            data=data,
            item_id=item_id,
            # Checked only for a change: adding an item cannot overwrite anyone.
            revision=data["revision"],
        ),
        success=saved,
        redirect_to=back,
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request, reference: str, agency_id: int, person_id: str | None = None):
    """Section 2: add, change or remove one person of the family and household."""
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    person, initial = _item_page(imr, sections.FAMILY, person_id, "No such person")
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = _item_edit(
            request,
            imr,
            sections.FAMILY,
            person,
            form,
            saved=lambda item: f"{item['name']} is saved in the family composition.",
            removed=f"{(person or {}).get('name')} is removed from the family composition.",
        )
        if done is not None:
            return done
    return form_page(
        request,
        "imr/person_form.html",
        {
            "case": case,
            "imr": imr,
            "form": form,
            "person": person,
            "is_author": imr_access.is_imr_author(roles),
            "editable": imr_access.is_imr_author(roles) and imr.editable,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def recommendation_edit(request, reference: str, agency_id: int, rec_id: str | None = None):
    """Section 6: one recommendation and its key actions (1.1, 1.2 ...)."""
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    rec, initial = _item_page(imr, sections.ACTION_PLAN, rec_id, "No such recommendation")
    form = RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = _item_edit(
            request,
            imr,
            sections.ACTION_PLAN,
            rec,
            form,
            saved=lambda item: "The recommendation is saved.",
            removed="The recommendation is removed.",
        )
        if done is not None:
            return done
    return form_page(
        request,
        "imr/recommendation_form.html",
        {
            "case": case,
            "imr": imr,
            "form": form,
            "rec": rec,
            "is_author": imr_access.is_imr_author(roles),
            "editable": imr_access.is_imr_author(roles) and imr.editable,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def glossary(request, reference: str, agency_id: int):
    """The agency's private glossary of worker codes and abbreviations."""
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    initial = {}
    # The checks page links here by the word's place in its list, never by the word: a
    # draft's words in an address end up in access logs and browser history.
    code = _unexplained_word(imr, request.GET.get("explain", ""))
    if code:
        # A code like SW1 or HV2 is a worker's; anything else an abbreviation to explain.
        worker = bool(re.fullmatch(r"[A-Z]{1,4}\d{1,3}", code))
        initial = {"code": code, "kind": "worker" if worker else "abbreviation"}
    checks_url = imr_url(imr, "imr:checks")
    form = GlossaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("remove"):
        try:
            draft_services.glossary_entry_remove(
                case_id=case.pk,
                agency_id=imr.agency_id,
                by=request.user,
                entry_id=int(request.POST["remove"]),
            )
        except (ValueError, ValidationError):
            messages.error(request, "That entry could not be removed: open the glossary again.")
        return redirect(imr_url(imr, "imr:glossary"))
    if request.method == "POST" and form.is_valid():
        try:
            entry = draft_services.glossary_entry_save(
                case_id=case.pk, agency_id=imr.agency_id, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{entry.code} is in the glossary.")
            back_to_checks = request.POST.get("next") == "checks"
            return redirect(checks_url if back_to_checks else imr_url(imr, "imr:glossary"))
    return form_page(
        request,
        "imr/glossary.html",
        {
            "case": case,
            "imr": imr,
            "form": form,
            "entries": imr.glossary.all(),
            "editable": imr_access.is_imr_author(roles) and imr.editable,
            "from_checks": request.GET.get("next") == "checks",
            "confidential": True,
        },
    )


def _problem_url(imr, section: str) -> str:
    """Where the author fixes what a check found."""
    if section == "names":
        return "#names"
    if section == "glossary":
        return imr_url(imr, "imr:glossary")
    if section == "appraisal":
        return imr_url(imr, "imr:appraisal")
    if section == Section.CHRONOLOGY:
        return imr_url(imr, "imr:chronology")
    return imr_url(imr, "imr:section-edit", section)


def _checked_part(imr) -> str:
    """The part the checks read: the chronology until it is countersigned, then the report."""
    chronology = imr.status in (Imr.Status.CHRONOLOGY, Imr.Status.CHRONOLOGY_SIGN_OFF)
    return Part.CHRONOLOGY if chronology else Part.REPORT


def _unexplained_word(imr, position: str) -> str:
    """The word at `position` (1, 2, ...) of the checks page's unexplained abbreviations,
    or '' when there is none there (the list may have changed since)."""
    if not position.isdigit():
        return ""
    words = [word for word, _ in unexplained_abbreviations(imr, _checked_part(imr))]
    index = int(position) - 1
    return words[index][:30] if 0 <= index < len(words) else ""


@require_http_methods(["GET", "POST"])
@login_required
def checks(request, reference: str, agency_id: int):
    """Before submission: the name check, unexplained abbreviations, gaps in contact and
    anything missing, each with where to fix it."""
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    if request.method == "POST":
        word = " ".join(request.POST.get("confirm", "").split())
        if not word:
            messages.error(request, "Choose the word to confirm.")
            return redirect(imr_url(imr, "imr:checks"))
        try:
            draft_services.name_confirm(
                case_id=case.pk, agency_id=imr.agency_id, by=request.user, word=word
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"‘{word}’ is confirmed as not a person's name.")
        return redirect(imr_url(imr, "imr:checks"))
    part = _checked_part(imr)
    report = imr_checks(imr, part)
    return form_page(
        request,
        "imr/checks.html",
        {
            "case": case,
            "imr": imr,
            "part": part,
            "part_label": Part(part).label,
            "hits": report.hits,
            "abbreviations": report.abbreviations,
            "gaps": report.gaps,
            "problems": [(p.message, _problem_url(imr, p.section)) for p in report.problems],
            "may_submit": imr_access.is_imr_author(roles) and imr.status in Imr.SUBMITTABLE,
            "editable": imr_access.is_imr_author(roles) and imr.editable,
            "confidential": True,
        },
    )
