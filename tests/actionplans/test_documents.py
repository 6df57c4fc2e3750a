"""The action plans and the chair's letter as PDFs (STRICTLY CONFIDENTIAL): rendered by
render_document, their text extracted and asserted on."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from actionplans import services
from actionplans.models import ActionPlan
from actionplans.services import ActionValues
from scr.deadlines import calendar
from scr.documents.registry import Classification
from tests.overview.test_documents import pages_of

pytestmark = pytest.mark.django_db

ASC = "Testshire Adult Social Care"
SOON = calendar.today() + timedelta(days=90)
HEADER = "No Recommendation Key actions Evidence Key outcome Date"


def _add(plan, by, text: str, **values) -> None:
    services.plan_action_save(
        case_id=plan.case_id,
        by=by,
        plan_id=plan.pk,
        recommendation_id=plan.letter.recommendations.get().pk,
        values=ActionValues(
            text=text,
            evidence=values.get("evidence", "Training attendance records"),
            outcome=values.get("outcome", "Outcomes shared within a week."),
            target_date=SOON,
        ),
    )


@pytest.fixture
def plans(planning, chair, lead_c, coordinator) -> dict:
    """The agency's plan, written and submitted; the board's own, begun."""
    sent = {}
    for letter in services.letters_draft(case_id=planning.pk, by=chair):
        plan = services.letter_send(case_id=planning.pk, by=chair, letter_id=letter.pk)
        sent[letter.agency.name if letter.agency else None] = plan
    agency, board = sent[ASC], sent[None]
    services.plan_contacts_save(
        case_id=planning.pk,
        by=lead_c,
        plan_id=agency.pk,
        lead={"name": "Leah Carewell", "position": "Head of Service", "email": "l@example.org"},
        named={"name": "Nia Named", "email": "nia@example.org"},
        revision=None,
    )
    _add(agency, lead_c, "Deliver training on sharing visit outcomes to every team.")
    services.plan_submit(case_id=planning.pk, by=lead_c, plan_id=agency.pk)
    services.plan_contacts_save(
        case_id=planning.pk,
        by=coordinator,
        plan_id=board.pk,
        lead={"name": "Cora Ordinator", "email": "c@example.org"},
        named={},
        revision=None,
    )
    _add(board, coordinator, "Audit twelve joint visits and report to the board.")
    return sent


def _render(case, kind, tmp_path, *args) -> list[tuple[str, bool]]:
    out = tmp_path / f"{kind}.pdf"
    call_command("render_document", case.reference, kind, "--out", str(out), *args)
    pages = pages_of(out.read_bytes())
    for number, (text, _) in enumerate(pages, start=1):
        assert Classification.CONFIDENTIAL in text, number
        assert f"Page {number} of {len(pages)}" in text
    return pages


def test_the_consolidated_plan_has_every_plan_its_rows_and_status(plans, planning, tmp_path):
    pages = _render(planning, "action-plan", tmp_path)
    text = " ".join(t for t, _ in pages)
    assert f"Action plans, {planning.reference}" in text
    for words in (
        f"{ASC} action plan",
        "The board's management action plan",
        "Status: Submitted to the board",
        "Status: Being written",
        "Leah Carewell, Head of Service",
        "Nia Named",
        "Cora Ordinator",
        "Agencies share the outcome of joint visits within a week.",
        "1.1 Deliver training on sharing visit outcomes to every team.",
        "The board audits joint visits.",
        "2.1 Audit twelve joint visits and report to the board.",
        "Training attendance records",
        SOON.strftime("%d/%m/%Y"),
        "SMART",
    ):
        assert words in text, words
    # The plans' tables are laid out across the page.
    assert any(landscape for t, landscape in pages if HEADER in t)


def test_one_agencys_plan(plans, planning, tmp_path):
    pages = _render(planning, "action-plan", tmp_path, "--agency", ASC.lower())
    text = " ".join(t for t, _ in pages)
    assert f"Action plan of {ASC}, {planning.reference}" in text
    assert "1.1 Deliver training" in text
    assert "Audit twelve joint visits" not in text
    assert "management action plan" not in text


def test_a_long_plan_repeats_its_table_header_on_every_page(plans, planning, coordinator, tmp_path):
    for n in range(2, 42):
        _add(
            plans[None],
            coordinator,
            f"Key action number {n}: audit a further sample of joint visits and report the "
            "findings to the quality subgroup with a summary for the board.",
            outcome="Nine in ten joint visits have their outcome shared within a week, "
            "measured by the quarterly audit.",
        )
    pages = _render(planning, "action-plan", tmp_path)
    table_pages = [t for t, _ in pages if "Key action number" in t]
    assert len(table_pages) >= 3
    for text in table_pages:
        assert HEADER in text
    assert "2.41 Key action number 41" in " ".join(table_pages)


def test_the_chairs_letter_to_an_agency(plans, planning, tmp_path):
    pages = _render(planning, "chair-letter", tmp_path, "--agency", ASC)
    text = " ".join(t for t, _ in pages)
    assert "Dear Leah Carewell," in text
    assert f"Serious Case Review {planning.reference}" in text
    assert "Agencies share the outcome of joint visits within a week." in text
    assert "within 4 weeks" in text
    assert "The board audits joint visits." not in text


def test_a_case_without_plans_is_a_clear_error(planning, tmp_path):
    out = tmp_path / "none.pdf"
    with pytest.raises(CommandError, match=f"No action plan on case {planning.reference}"):
        call_command("render_document", planning.reference, "action-plan", "--out", str(out))
    with pytest.raises(CommandError, match="No such letter"):
        call_command(
            "render_document",
            planning.reference,
            "chair-letter",
            "--out",
            str(out),
            "--agency",
            ASC,
        )
    assert not out.exists()
    assert not ActionPlan.objects.exists()
