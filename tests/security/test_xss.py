"""Stored XSS and template injection: what people type is escaped in every page, email
and PDF that shows it. First a scan of the code for ways round Django's autoescape, then
hostile text put in through the services and read back through the real pages."""

import ast
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from imr import draft_services
from imr import notifications as imr_notifications
from imr.demo import write_section
from imr.entry_parsing import parse_date
from imr.models import Section
from panel import services as panel
from referrals import services as referrals
from scr.documents import registry
from scr.documents.render import render_pdf
from tests.imr.conftest import asked, commissioned, dates, imr_a  # noqa: F401
from tests.overview.conftest import reviews_accepted, started  # noqa: F401
from tests.security.hostile import (  # noqa: F401
    ESCAPED,
    IMG_ONERROR,
    SCRIPT,
    TEMPLATE,
    TEXTAREA_BREAK,
    XSS_PAYLOADS,
    hostile_plans,
    hostile_started,
    pdf_text,
)

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ["scr", "referrals", "panel", "imr", "overview", "actionplans"]
HOSTILE = f"{SCRIPT} {IMG_ONERROR} {TEMPLATE}"

# Where the code may mark text safe, and why.
SAFE_IN_TEMPLATES = {
    # help_text is the developer's text (see test_help_text_never_comes_from_user_data).
    ("templates/includes/field.html", "field.help_text|safe"),
}
SAFE_IN_PYTHON = {
    # The guide's markdown: built from escaped text only (scr/guide.py's own tests).
    ("scr/guide.py", "mark_safe"),
    # The authenticator's QR code: SVG paths qrcode draws from our own key.
    ("scr/accounts/two_factor.py", "mark_safe"),
}


def _templates():
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt", ".xml"):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def _python():
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


# The code --------------------------------------------------------------------------------


def test_templates_never_turn_autoescape_off():
    found = set()
    for name, text in _templates():
        assert not re.search(r"{%\s*autoescape\s+off", text), name
        assert not re.search(r"\|\s*safeseq", text), name
        assert not re.search(r"{%\s*filter[^%]*\bsafe\b", text), name
        found |= {(name, match) for match in re.findall(r"[\w.]+\s*\|\s*safe\b", text)}
    assert found == SAFE_IN_TEMPLATES


def test_python_never_marks_text_safe_but_where_allowed():
    found = set()
    for name, text in _python():
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if called in ("mark_safe", "SafeString", "SafeText", "Markup", "mark_for_escaping"):
                found.add((name, called))
            if called in ("format_html", "format_html_join"):
                # format_html escapes its arguments, never its format string: that must
                # be a plain literal, not text already put together.
                template = node.args[0] if node.args else None
                is_literal = isinstance(template, ast.Constant) and isinstance(template.value, str)
                assert is_literal, f"{name}:{node.lineno} format_html with a built string"
        assert "__html__" not in text, name
    assert found == SAFE_IN_PYTHON


def test_help_text_never_comes_from_user_data():
    """includes/field.html shows help_text unescaped: every help_text the code sets must
    be a literal or one of the developer's constants listed here."""
    allowed_names = {
        "CRITERIA_TEXT",  # referrals/forms.py: the procedure's criteria
        "template",  # imr.template: the Appendix C hints
        "prompt",  # imr.template's prompts
        "DATE_HELP",
        "date_help",  # scr/fields.py: 'For example, 27/03/2027', a date of the code's own
        "FUTURE",  # ... and which side of today its example lies
        "RECEIPT_HINTS",  # overview: section 14's steps
        "ACTION_GUIDANCE",  # actionplans: SMART guidance
        "uploads",  # the upload limit, from the settings
        "size_text",
        "MAX_UPLOAD_BYTES",
        "field",  # field.help_text + " " + date_help(FUTURE)
        "reasons_help",  # scr/decisions.py: the hint a DecisionForm subclass sets (below)
        "ADVICE_HINTS",  # panel/forms.py: what section 44 advises, in the code's words
    }
    for name, text in _python():
        for node in ast.walk(ast.parse(text)):
            values = []
            if isinstance(node, ast.keyword) and node.arg == "help_text":
                values.append(node.value)
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "help_text" for t in node.targets
            ):
                values.append(node.value)
            # A decision form's hint is a class constant: a literal, or a listed constant.
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "reasons_help" for t in node.targets
            ):
                values.append(node.value)
            for value in values:
                used = _names_of_the_text(value)
                assert used <= allowed_names, f"{name}:{value.lineno} help_text from {used}"


def _names_of_the_text(node) -> set[str]:
    """The names whose value may end up in the text: not an index into a constant
    (HINTS[key]) nor the condition of `a if n == 1 else b`."""
    if isinstance(node, ast.Name):
        return {node.id}
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    ):
        return {node.attr}  # the object's own attribute, by its name
    if isinstance(node, ast.Subscript):
        return _names_of_the_text(node.value)
    if isinstance(node, ast.IfExp):
        return _names_of_the_text(node.body) | _names_of_the_text(node.orelse)
    names = set()
    for child in ast.iter_child_nodes(node):
        names |= _names_of_the_text(child)
    return names


# Pages -----------------------------------------------------------------------------------


def _signed_in(person) -> Client:
    """A new client for each person: a fresh session, as a real sign-in gives."""
    client = Client()
    client.force_login(person)
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _assert_escaped(page: str, url: str = "") -> None:
    assert SCRIPT not in page, url
    assert "<img src=x onerror" not in page, url
    assert "</textarea><script>" not in page, url


def _assert_shown_escaped(page: str, url: str = "") -> None:
    _assert_escaped(page, url)
    assert ESCAPED[SCRIPT] in page, url
    assert ESCAPED[IMG_ONERROR] in page, url
    assert TEMPLATE in page, url  # shown as typed, never evaluated


@pytest.mark.django_db
def test_a_hostile_referral_is_escaped_on_every_page(
    referrer, lead_b, chair, coordinator, agency_a
):
    referral = referrals.referral_start(by=referrer)
    referrals.referral_save(
        referral_id=referral.pk,
        by=referrer,
        data={
            "subject_name": f"Ann {SCRIPT}",
            "subject_address": HOSTILE,
            "what_happened": f"{HOSTILE} {TEXTAREA_BREAK}",
            "abuse_or_neglect": "suspected",
            "believes_3_1": True,
        },
        agencies=[agency_a],
    )
    edit = _page(_signed_in(referrer), reverse("referrals:referral-edit", args=[referral.pk]))
    _assert_shown_escaped(edit)
    referrals.referral_submit(referral_id=referral.pk, by=referrer)
    referrals.referral_endorse(referral_id=referral.pk, by=lead_b)
    referral.refresh_from_db()

    for person, url in (
        (referrer, reverse("referrals:referral-detail", args=[referral.pk])),
        (lead_b, reverse("referrals:referral-detail", args=[referral.pk])),
        (chair, reverse("cases:case-detail", args=[referral.case.reference])),
        (coordinator, reverse("cases:case-list")),
        (coordinator, reverse("cases:home")),
    ):
        _assert_escaped(_page(_signed_in(person), url), url)
    detail = reverse("referrals:referral-detail", args=[referral.pk])
    _assert_shown_escaped(_page(_signed_in(lead_b), detail))


@pytest.mark.django_db
def test_hostile_terms_of_reference_and_reasons_are_escaped(case, panel_chair, chair):
    panel.terms_of_reference_save(
        case_id=case.pk, by=panel_chair, terms=[HOSTILE, TEXTAREA_BREAK, "Information sharing."]
    )
    panel.panel_recommendation_record(
        case_id=case.pk, by=panel_chair, choice="full_review", reasons=HOSTILE
    )
    for person, url in (
        (chair, reverse("cases:case-detail", args=[case.reference])),
        (panel_chair, reverse("cases:case-detail", args=[case.reference])),
        (panel_chair, reverse("panel:terms-edit", args=[case.reference])),
    ):
        _assert_shown_escaped(_page(_signed_in(person), url), url)


@pytest.mark.django_db
def test_a_hostile_imr_is_escaped_on_its_pages(imr_a, author_a):  # noqa: F811
    from imr import template

    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    entry = draft_services.chronology_entry_save(
        **key,
        values=draft_services.EntryValues(
            date=parse_date("03/02/25"),
            time=None,
            source=HOSTILE,
            subject="HQM",
            event=f"{HOSTILE} {TEXTAREA_BREAK}",
            expected_practice=HOSTILE,
            term_numbers=[1],
            relevance_note=HOSTILE,
        ),
    )
    write_section(
        **key,
        section=Section.INTRODUCTION,
        content={"sources": [], "other_sources": HOSTILE, "notes": HOSTILE},
    )
    write_section(
        **key,
        section=Section.ANALYSIS,
        content={
            p.key: {"text": f"{HOSTILE} {TEXTAREA_BREAK}", "terms": [1]}
            for p in template.ANALYSIS_PROMPTS
        },
    )
    write_section(
        **key,
        section=Section.LESSONS,
        content={p.key: HOSTILE for p in template.LESSON_PROMPTS},
    )
    write_section(
        **key,
        section=Section.ACTION_PLAN,
        content={
            "lead": {"name": HOSTILE, "position": "", "phone": "", "email": "", "address": ""},
            "named": {},
            "recommendations": [
                {
                    "id": "r1",
                    "text": HOSTILE,
                    "actions": [
                        {"text": HOSTILE, "evidence": HOSTILE, "outcome": HOSTILE, "date": ""}
                    ],
                }
            ],
        },
    )
    args = [imr_a.case.reference, imr_a.agency_id]
    client = _signed_in(author_a)
    for url in (
        reverse("imr:chronology", args=args),
        reverse("imr:entry-edit", args=[*args, entry.pk]),
        reverse("imr:preview", args=args),
        reverse("imr:section-edit", args=[*args, Section.INTRODUCTION]),
        reverse("imr:section-edit", args=[*args, Section.ANALYSIS]),
        reverse("imr:section-edit", args=[*args, Section.LESSONS]),
    ):
        _assert_shown_escaped(_page(client, url), url)
    for url in (reverse("imr:imr-detail", args=args), reverse("imr:history", args=args)):
        _assert_escaped(_page(client, url), url)


@pytest.mark.django_db
def test_a_hostile_overview_and_action_plans_are_escaped_on_their_pages(
    hostile_plans,  # noqa: F811
    overview_author,
    coordinator,
    chair,
):
    plan = hostile_plans[None]  # the board's, its key actions hostile
    case = plan.case
    action = plan.actions.first()
    client = _signed_in(overview_author)
    for name in ("overview:findings", "overview:recommendations", "overview:chronology"):
        url = reverse(name, args=[case.reference])
        _assert_shown_escaped(_page(client, url), url)
    _assert_escaped(_page(client, reverse("overview:overview-detail", args=[case.reference])))

    client = _signed_in(coordinator)
    for url in (
        reverse("actionplans:plan-detail", args=[case.reference, plan.pk]),
        reverse("actionplans:action-detail", args=[case.reference, plan.pk, action.pk]),
        reverse("actionplans:monitoring"),
    ):
        _assert_shown_escaped(_page(client, url), url)
    plans_page = reverse("actionplans:overview", args=[case.reference])
    _assert_escaped(_page(_signed_in(chair), plans_page))


# Emails and PDFs -----------------------------------------------------------------------


@pytest.mark.django_db
def test_names_quoted_in_an_email_are_escaped_in_its_html(
    imr_a,  # noqa: F811
    author_a,
):
    # The IMR emails name the agency and the people: data an administrator typed.
    author_a.full_name = f"Ada {SCRIPT}"
    author_a.save(update_fields=["full_name"])
    imr_a.agency.name = f"Trust {IMG_ONERROR}"
    imr_a.agency.save(update_fields=["name"])
    mail.outbox = []

    assert imr_notifications.imr_notify(imr_id=imr_a.pk, event="nominated") >= 1

    for message in mail.outbox:
        html = message.alternatives[0][0]
        _assert_escaped(html)
        assert ESCAPED[SCRIPT] in html or ESCAPED[IMG_ONERROR] in html


@pytest.mark.django_db
def test_hostile_text_is_printed_literally_in_a_pdf(case, panel_chair):
    panel.panel_recommendation_record(
        case_id=case.pk, by=panel_chair, choice="no_action", reasons=HOSTILE
    )

    text = pdf_text(render_pdf(registry.build("case-summary", case)))

    for payload in XSS_PAYLOADS:
        assert payload in text
