"""The author's pages for the draft: sections 1, 2, 4, 5 and 6, the glossary and the
checks before submission (the chronology, section 3: imr/chronology_views.py).

Only the author writes. The agency's lead and director may read these pages; the
board's readers never see a draft (404)."""

import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from imr import access as imr_access
from imr import drafting, template
from imr.forms import (
    AnalysisForm,
    ContactsForm,
    FamilySubjectForm,
    GlossaryForm,
    IntroductionForm,
    LessonsForm,
    PersonForm,
    RecommendationForm,
)
from imr.models import Imr, Part, Section
from imr.selectors import (
    content_sections,
    family_default,
    imr_checks,
    section_row,
    terms_of_reference,
    unexplained_abbreviations,
)
from imr.views import imr_url, load, team_only
from scr.formtools import MISSING_REVISION, add_service_errors, form_page

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


def _date(value: str):
    from datetime import date

    return date.fromisoformat(value) if value else None


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _save_section(request, form, imr, key, change, *, initial=None):
    """Run the section's save; answer an autosave with JSON. Returns a response, or None
    to show the form again (with the service's errors on it)."""
    revision = form.cleaned_data.get("revision")
    try:
        section = drafting.imr_section_update(
            case_id=imr.case_id,
            agency_id=imr.agency_id,
            by=request.user,
            key=key,
            change=change,
            revision=revision,
            initial=initial,
        )
    except ValidationError as error:
        if request.POST.get("autosave"):
            return JsonResponse({"error": " ".join(error.messages)}, status=409)
        add_service_errors(form, error)
        return None
    if request.POST.get("autosave"):
        saved = timezone.localtime(section.updated_at).strftime("%H:%M")
        return JsonResponse({"revision": section.revision, "saved": saved})
    messages.success(request, f"{Section(key).label} is saved.")
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
    """Sections 1, 4 and 5, section 2's adult and section 6's contacts: one form each."""
    if key not in (
        Section.INTRODUCTION,
        Section.FAMILY,
        Section.ANALYSIS,
        Section.LESSONS,
        Section.ACTION_PLAN,
    ):
        raise Http404("No such section")
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    row = section_row(imr, key)
    data = dict(row.data) if row else {}
    revision = row.revision if row else 0
    terms = terms_of_reference(case)[0]
    initial_data = None
    extra = {}
    if key == Section.INTRODUCTION:
        form_class, kwargs = IntroductionForm, {}
        initial = {
            "sources": data.get("sources", []),
            "other_sources": data.get("other_sources", ""),
            "notes": data.get("notes", ""),
        }

        def change(old, form):
            return {
                **old,
                **{k: form.cleaned_data[k] for k in ("sources", "other_sources", "notes")},
            }

        extra = {"terms": terms}
    elif key == Section.FAMILY:
        form_class, kwargs = FamilySubjectForm, {}
        data = data or family_default(imr)
        initial_data = family_default(imr)
        subject = data.get("subject", {})
        initial = {
            "name": subject.get("name", ""),
            "dob": _date(subject.get("dob", "")),
            "dod": _date(subject.get("dod", "")),
            "address": subject.get("address", ""),
            "ethnicity": subject.get("ethnicity", ""),
            "other_addresses": data.get("other_addresses", ""),
        }

        def change(old, form):
            d = form.cleaned_data
            subject = {
                "name": d["name"].strip(),
                "dob": _iso(d["dob"]),
                "dod": _iso(d["dod"]),
                "address": d["address"].strip(),
                "ethnicity": d["ethnicity"].strip(),
            }
            return {**old, "subject": subject, "other_addresses": d["other_addresses"].strip()}

        extra = {
            "people": data.get("people", []),
            "relationships": template.RELATIONSHIP_LABELS,
            "hint": template.FAMILY_HINT,
        }
    elif key == Section.ANALYSIS:
        form_class, kwargs = AnalysisForm, {"terms": terms}
        initial = {}
        for prompt in template.ANALYSIS_PROMPTS:
            answer = data.get(prompt.key) or {}
            initial[prompt.key] = answer.get("text", "")
            initial[f"{prompt.key}_terms"] = [str(n) for n in answer.get("terms", [])]

        def change(old, form):
            return form.section_data()

        extra = {"hint": template.ANALYSIS_HINT}
    elif key == Section.LESSONS:
        form_class, kwargs = LessonsForm, {}
        initial = {p.key: data.get(p.key, "") for p in template.LESSON_PROMPTS}

        def change(old, form):
            return form.section_data()

        extra = {"hint": template.LESSONS_HINT}
    else:
        form_class, kwargs = ContactsForm, {}
        initial = {
            f"{who}_{k}": (data.get(who) or {}).get(k, "")
            for who in ("lead", "named")
            for k, _ in template.CONTACT_FIELDS
        }

        def change(old, form):
            return {**old, **form.section_data()}

        extra = {
            # Dates as people read them (dd/mm/yyyy), as in the report.
            "recommendations": content_sections({"action_plan": data})["recommendations"],
            "hint": template.ACTION_PLAN_HINT,
        }
    initial["revision"] = revision
    form = form_class(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST":
        if form.is_valid():
            done = _save_section(
                request, form, imr, key, lambda old: change(old, form), initial=initial_data
            )
            if done is not None:
                return done
        elif request.POST.get("autosave"):
            return JsonResponse(
                {"error": "Not saved: check the highlighted answers and save."}, status=400
            )
    return _section_page(request, case, imr, roles, key, form, extra)


def _update_section(request, imr, key: str, change, *, revision, initial=None):
    return drafting.imr_section_update(
        case_id=imr.case_id,
        agency_id=imr.agency_id,
        by=request.user,
        key=key,
        change=change,
        revision=revision,
        initial=initial,
    )


def _put_item(items: str, values: dict):
    """A change of a section: `values` in its list `items`, in place of the item with the
    same id, or last (the people of section 2, the recommendations of section 6)."""

    def change(old: dict) -> dict:
        current = old.get(items, [])
        if any(item.get("id") == values["id"] for item in current):
            return {**old, items: [values if i.get("id") == values["id"] else i for i in current]}
        return {**old, items: [*current, values]}

    return change


def _drop_item(items: str, item_id: str):
    """A change of a section: the item with this id out of its list `items`."""
    return lambda old: {**old, items: [i for i in old.get(items, []) if i.get("id") != item_id]}


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request, reference: str, agency_id: int, person_id: str | None = None):
    """Section 2: add, change or remove one person of the family and household."""
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    row = section_row(imr, Section.FAMILY)
    data = dict(row.data) if row else family_default(imr)
    people = data.get("people", [])
    person = next((p for p in people if p.get("id") == person_id), None) if person_id else None
    if person_id and person is None:
        raise Http404("No such person")
    initial = dict(person or {})
    if person:
        initial["dob"] = _date(person.get("dob", ""))
    initial["revision"] = row.revision if row else 0
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("remove") and person:
        form = PersonForm(initial=initial)

        try:
            _update_section(
                request,
                imr,
                Section.FAMILY,
                _drop_item("people", person_id),
                revision=_posted_revision(request),
                initial=family_default(imr),
            )
        except ValidationError as error:
            return _refused(request, error)
        else:
            messages.success(request, f"{person['name']} is removed from the family composition.")
            return redirect(imr_url(imr, "imr:section-edit", Section.FAMILY))
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        values = {
            "id": person_id or uuid.uuid4().hex[:12],
            "relationship": d["relationship"],
            "relationship_detail": d["relationship_detail"].strip(),
            "name": d["name"].strip(),
            "dob": _iso(d["dob"]),
            "address": d["address"].strip(),
            "ethnicity": d["ethnicity"].strip(),
        }

        try:
            _update_section(
                request,
                imr,
                Section.FAMILY,
                _put_item("people", values),
                # Adding a person cannot overwrite anyone; changing one checks the revision.
                revision=d["revision"] if person_id else None,
                initial=family_default(imr),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{values['name']} is saved in the family composition.")
            return redirect(imr_url(imr, "imr:section-edit", Section.FAMILY))
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
    row = section_row(imr, Section.ACTION_PLAN)
    data = dict(row.data) if row else {}
    recs = data.get("recommendations", [])
    rec = next((r for r in recs if r.get("id") == rec_id), None) if rec_id else None
    if rec_id and rec is None:
        raise Http404("No such recommendation")
    initial = {"revision": row.revision if row else 0, "text": (rec or {}).get("text", "")}
    for n, action in enumerate((rec or {}).get("actions", []), 1):
        initial.update(
            {
                f"action_{n}_text": action.get("text", ""),
                f"action_{n}_evidence": action.get("evidence", ""),
                f"action_{n}_outcome": action.get("outcome", ""),
                f"action_{n}_date": _date(action.get("date", "")),
            }
        )
    form = RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("remove") and rec:
        form = RecommendationForm(initial=initial)

        try:
            _update_section(
                request,
                imr,
                Section.ACTION_PLAN,
                _drop_item("recommendations", rec_id),
                revision=_posted_revision(request),
            )
        except ValidationError as error:
            return _refused(request, error)
        else:
            messages.success(request, "The recommendation is removed.")
            return redirect(imr_url(imr, "imr:section-edit", Section.ACTION_PLAN))
    elif request.method == "POST" and form.is_valid():
        values = {
            "id": rec_id or uuid.uuid4().hex[:12],
            "text": form.cleaned_data["text"].strip(),
            "actions": form.actions(),
        }

        try:
            _update_section(
                request,
                imr,
                Section.ACTION_PLAN,
                _put_item("recommendations", values),
                revision=form.cleaned_data["revision"] if rec_id else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The recommendation is saved.")
            return redirect(imr_url(imr, "imr:section-edit", Section.ACTION_PLAN))
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
            drafting.glossary_entry_remove(
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
            entry = drafting.glossary_entry_save(
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
            drafting.name_confirm(
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
