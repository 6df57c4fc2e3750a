"""The home page, 'My cases' and the case page, for every persona."""

import pytest
from django.urls import reverse

from scr.audit.models import AuditEvent
from scr.cases.models import Case
from scr.cases.services import case_create
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.deadlines.models import Deadline

# The procedure to the action plans, monitoring and closure, through the stages' services.
from tests.actionplans.conftest import (  # noqa: F401, E402
    commissioned,
    lead_c,
    planning,
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)
from tests.actionplans.test_closure import closed, monitored  # noqa: F401, E402

pytestmark = pytest.mark.django_db

# persona: status code of the case page, and whether the full (confidential) page shows
CASE_PAGE = {
    "coordinator": (200, True),
    "chair": (200, True),
    "panel_chair": (200, True),
    "panel_member": (200, True),
    "lead_a": (200, True),
    "lead_b": (404, False),
    "author_a": (200, True),
    "author_b": (404, False),
    "director_a": (200, True),
    "overview_author": (200, True),
    "board_member": (200, False),
    "referrer": (200, False),
    "outsider": (404, False),
    "other_coordinator": (404, False),
}


def _url(case):
    return reverse("cases:case-detail", args=[case.reference])


@pytest.mark.parametrize(("persona", "expected"), CASE_PAGE.items())
def test_case_page_by_persona(request, client, case, persona, expected):
    status, full = expected
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_url(case))
    assert response.status_code == status
    text = response.content.decode()
    assert ("STRICTLY CONFIDENTIAL" in text) == full
    assert ("Deadlines" in text) == full
    assert ("People on the case" in text) == full
    # The subject's name never shows; initials only where the full page does.
    assert "Quenby" not in text and "Hypatia" not in text
    assert (">HQM<" in text) == full
    if status == 200:
        assert "Panel convened" in text


def test_anonymous_visitors_are_sent_to_sign_in(client, case):
    for url in (reverse("cases:home"), reverse("cases:case-list"), _url(case)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_case_page_views_are_audited(client, case, panel_member, referrer):
    client.force_login(panel_member)
    client.get(_url(case))
    client.force_login(referrer)
    client.get(_url(case))
    rows = AuditEvent.objects.filter(action="view", object_id=str(case.pk))
    assert {(r.actor, r.detail) for r in rows} == {
        (panel_member, "case page"),
        (referrer, "case status"),
    }
    assert all(r.object_label == case.reference for r in rows)


def test_pages_for_signed_in_users_are_not_cached(client, case, coordinator):
    client.force_login(coordinator)
    response = client.get(_url(case))
    assert "no-store" in response["Cache-Control"]


def test_unknown_case_reference_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("cases:case-detail", args=["SCR-1999-999"])).status_code == 404
    assert client.get("/cases/%3Cscript%3E/").status_code == 404


def test_my_cases_lists_visible_cases_only_with_next_deadline(
    client, case, board, other_board, other_coordinator, author_b, coordinator
):
    case_create(board=other_board, by=other_coordinator, subject_name="Elsewhere Person")
    # Convening the panel started the 7-day and 4-week clocks (6.1, 6.2).
    soonest = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due
    later = case.deadlines.get(kind=Deadline.Kind.PANEL_RECOMMENDATION).due
    client.force_login(coordinator)
    text = client.get(reverse("cases:case-list")).content.decode()
    assert f'href="/cases/{case.reference}/"' in text
    assert "Cases you can see (1)" in text
    assert soonest.strftime("%d/%m/%Y") in text
    assert later.strftime("%d/%m/%Y") not in text
    client.force_login(author_b)
    text = client.get(reverse("cases:case-list")).content.decode()
    assert case.reference not in text
    assert "You are not on any case yet" in text


def test_my_cases_search_by_reference(client, case, board, coordinator):
    other = case_create(board=board, by=coordinator, subject_name="Second Person")
    client.force_login(coordinator)
    text = client.get(reverse("cases:case-list"), {"q": f" {other.reference.lower()} "}).content
    assert other.reference.encode() in text
    assert f'href="/cases/{case.reference}/"'.encode() not in text
    text = client.get(reverse("cases:case-list"), {"q": "SCR-1999"}).content.decode()
    assert "No case you can see has a reference matching" in text


def test_my_cases_query_count_does_not_grow_with_cases(
    client, board, coordinator, agency_a, django_assert_max_num_queries
):
    for n in range(30):
        case_create(board=board, by=coordinator, subject_name=f"Person {n}", agencies=[agency_a])
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("cases:case-list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') == 26  # header + 25
    assert "Page 1 of 2" in response.content.decode()


def test_case_page_query_count_is_bounded(client, case, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    # 28 since the case is opened from a referral: its section loads the referrer and
    # their agency (two queries, once per case).
    with django_assert_max_num_queries(28):
        assert client.get(_url(case)).status_code == 200


def test_home_lists_decisions_waiting_for_the_user(client, case, panel_chair, chair, referrer):
    client.force_login(panel_chair)
    text = client.get(reverse("cases:home")).content.decode()
    assert f"{case.reference}: Record the panel" in text
    client.force_login(chair)
    assert case.reference not in client.get(reverse("cases:home")).content.decode()
    client.force_login(referrer)
    assert "Nothing is waiting for you" in client.get(reverse("cases:home")).content.decode()


def _commission(case, panel_chair, chair):
    """The case with a review commissioned (7)."""
    from panel import services as panel

    panel.terms_of_reference_save(
        case_id=case.pk, by=panel_chair, terms=["How agencies shared information."]
    )
    panel.panel_recommendation_record(
        case_id=case.pk, by=panel_chair, choice="full_review", reasons="3.1 met."
    )
    panel.chair_decision_record(case_id=case.pk, by=chair, decision="review", reasons="Agreed.")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def in_review(case, panel_chair, chair, coordinator, agency_a):
    """Management reviews asked for: the coordinator starts the overview next (13)."""
    from datetime import timedelta

    from imr import services as imr

    _commission(case, panel_chair, chair)
    today = calendar.today()
    imr.imr_commission(
        case_id=case.pk,
        by=coordinator,
        agency_ids=[agency_a.pk],
        chronology_due=today + timedelta(weeks=2),
        report_due=today + timedelta(weeks=6),
    )
    return Case.objects.get(pk=case.pk)


def test_starting_the_monitoring_is_its_own_page_not_a_decision(
    client,
    planning,  # noqa: F811
    coordinator,
):
    """16: the monitoring starts only once every plan is accepted, which the case page's
    'Record a decision' does not check: the case page links to the page that does."""
    client.force_login(coordinator)
    url = reverse("cases:case-detail", args=[planning.reference])
    text = client.get(url).content.decode()
    assert "Record a decision" not in text
    assert reverse("actionplans:monitoring-start", args=[planning.reference]) in text
    response = client.post(url, {"transition": "start_monitoring", "note": "Plans are in."})
    assert response.status_code == 403
    assert Case.objects.get(pk=planning.pk).stage == Stage.ACTION_PLANS


def test_endorsing_a_referral_is_not_offered_on_the_case_page(client, new_case, lead_a):
    """Section 5 is the referral's own page: the case page does not offer it."""
    client.force_login(lead_a)
    url = reverse("cases:case-detail", args=[new_case.reference])
    assert "Record a decision" not in client.get(url).content.decode()
    assert client.post(url, {"transition": "send_to_chair"}).status_code == 403
    assert Case.objects.get(pk=new_case.pk).stage == Stage.REFERRAL_RECEIVED


@pytest.mark.parametrize(
    ("built", "stage", "transition", "page"),
    [
        ("monitored", Stage.MONITORING, "close", "actionplans:case-close"),
        ("closed", Stage.CLOSED, "reopen", "actionplans:case-reopen"),
    ],
)
def test_closing_and_reopening_are_the_chairs_own_pages(
    request, client, chair, built, stage, transition, page
):
    """Closing checks that every action is complete; reopening asks for the reason: the
    case page links to those pages and takes neither itself."""
    case = request.getfixturevalue(built)
    client.force_login(chair)
    url = reverse("cases:case-detail", args=[case.reference])
    text = client.get(url).content.decode()
    assert "Record a decision" not in text
    assert reverse(page, args=[case.reference]) in text
    assert client.post(url, {"transition": transition, "note": "x"}).status_code == 403
    assert Case.objects.get(pk=case.pk).stage == stage


def test_a_tampered_decision_changes_nothing(
    client,
    planning,  # noqa: F811
    coordinator,
    chair,
    referrer,
    outsider,
):
    url = reverse("cases:case-detail", args=[planning.reference])
    client.force_login(coordinator)
    # Not offered at this stage, nor anywhere on the case page now.
    assert client.post(url, {"transition": "close", "note": "x"}).status_code == 403
    client.force_login(chair)  # the chair has no decision at this stage
    assert client.post(url, {"transition": "start_monitoring"}).status_code == 403
    client.force_login(referrer)
    assert client.post(url, {"transition": "start_monitoring"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"transition": "start_monitoring"}).status_code == 404
    assert Case.objects.get(pk=planning.pk).stage == Stage.ACTION_PLANS
    denied = AuditEvent.objects.filter(action="access_denied", object_id=str(planning.pk))
    # One row per refusal: three by the view, the outsider's 404 by scr.audit.middleware.
    assert denied.count() == 4
    assert denied.get(actor=outsider).detail.startswith("404 cases:case-detail")


def test_the_case_page_takes_only_get_and_post(client, case, panel_chair):
    client.force_login(panel_chair)
    url = reverse("cases:case-detail", args=[case.reference])
    response = client.put(url)
    assert response.status_code == 405
    assert "This page cannot do that" in response.content.decode()


def test_flow_picture_marks_the_route_not_taken():
    from scr.cases.flow import flow_picture

    states = {b.stage: b.state for b in flow_picture("declined", "panel_recommended")["boxes"]}
    assert states["panel_recommended"] == "done"
    assert states["review_commissioned"] == "off-route"
    assert states["declined"] == "current"
    states = {b.stage: b.state for b in flow_picture("imrs_in_progress")["boxes"]}
    assert states["review_commissioned"] == "done"
    assert states["imrs_in_progress"] == "current"
    assert states["closed"] == "todo"
    assert states["other_review"] == "off-route"


def test_stage_only_viewers_see_no_deadline_dates_in_my_cases(
    client, case, board_member, referrer, coordinator
):
    due = case.deadlines.order_by("due").first().due.strftime("%d/%m/%Y")
    for person in (board_member, referrer):
        client.force_login(person)
        text = client.get(reverse("cases:case-list")).content.decode()
        assert case.reference in text
        assert due not in text
    client.force_login(coordinator)
    assert due in client.get(reverse("cases:case-list")).content.decode()


def test_overdue_next_deadlines_are_tagged(client, case, coordinator):
    Deadline.objects.filter(case=case).update(due="2020-01-02", start="2020-01-01")
    client.force_login(coordinator)
    text = client.get(reverse("cases:case-list")).content.decode()
    assert "02/01/2020" in text and "Overdue" in text


def test_home_dates_a_decision_by_the_clock_it_satisfies(client, case, panel_chair):
    recommendation = case.deadlines.get(kind=Deadline.Kind.PANEL_RECOMMENDATION).due
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    meeting.due = meeting.start  # make the meeting clock the soonest by far
    meeting.save(update_fields=["due"])
    client.force_login(panel_chair)
    text = client.get(reverse("cases:home")).content.decode()
    item = text[text.index(f"{case.reference}: Record the panel") :][:600]
    assert f"Due {recommendation:%d/%m/%Y}" in item


def test_overdue_clocks_reach_the_coordinators_and_chairs_home(
    client, case, coordinator, chair, panel_chair
):
    from datetime import date

    Deadline.objects.filter(case=case, kind=Deadline.Kind.PANEL_MEETING).update(
        start=date(2026, 1, 1), due=date(2026, 1, 8)
    )
    for person in (coordinator, chair):
        client.force_login(person)
        text = client.get(reverse("cases:home")).content.decode()
        assert f"{case.reference}: Overdue: Panel meets (6.1)" in text
        assert "Owned by Pam Chairwoman" in text


@pytest.mark.parametrize(
    "typed", ["scr 2026 001", " SCR–2026–001 ", "scr_2026_001", "2026-001", "Scr-2026-001"]
)
def test_search_finds_references_as_people_paste_them(client, case, coordinator, typed):
    client.force_login(coordinator)
    text = client.get(reverse("cases:case-list"), {"q": typed}).content.decode()
    assert f'href="/cases/{case.reference}/"' in text


def test_a_search_too_long_explains_itself_and_keeps_the_text(client, case, coordinator):
    client.force_login(coordinator)
    typed = "x" * 150
    text = client.get(reverse("cases:case-list"), {"q": typed}).content.decode()
    assert "There is a problem" in text
    assert "Enter a case reference, like SCR-2026-007" in text
    assert typed in text


def test_the_decision_form_offers_generic_transitions_only(
    client, decline_generic, case_with_chair, chair
):
    client.force_login(chair)
    text = client.get(_url(case_with_chair)).content.decode()
    assert "Record a decision" in text
    assert 'value="decline"' in text
    # Also open from 'with the chair', but taken on the chair's decision page.
    assert 'value="convene_panel"' not in text and 'value="route_other_review"' not in text


def test_a_decision_naming_a_stage_page_transition_is_refused_naming_the_page(
    client, decline_generic, case_with_chair, chair
):
    client.force_login(chair)
    events = case_with_chair.events.count()
    response = client.post(
        _url(case_with_chair), {"transition": "convene_panel", "note": "Panel, please."}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "is not recorded on the case page: use the chair&#x27;s decision page" in text
    fresh = Case.objects.get(pk=case_with_chair.pk)
    assert (fresh.stage, fresh.events.count()) == (Stage.WITH_CHAIR, events)


def test_a_generic_decision_is_recorded_from_the_case_page(
    client, decline_generic, case_with_chair, chair, lead_a
):
    client.force_login(lead_a)  # may not decide: nothing to offer them
    assert client.post(_url(case_with_chair), {"transition": "decline"}).status_code == 403
    client.force_login(chair)
    response = client.post(
        _url(case_with_chair), {"transition": "decline", "note": "Criteria not met."}
    )
    assert response.status_code == 302
    event = Case.objects.get(pk=case_with_chair.pk).events.latest("at", "pk")
    assert (event.transition, event.to_stage, event.actor) == ("decline", Stage.DECLINED, chair)
