"""Finding a case (#19): the adult's name on the lists for those who see the case in
full, and the search by reference or by name, which never finds, by a name, a case whose
name the searcher may not read."""

import pytest
from django.urls import reverse

from scr.audit.models import AuditEvent
from scr.cases.services import case_create

pytestmark = pytest.mark.django_db

NAME = "Hypatia Quenby-Marsh"  # the `case` fixture's adult


def _my_cases(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("cases:case-list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_my_cases_names_the_adult_to_those_who_see_the_case_in_full(
    client, case, coordinator, chair, panel_member, author_a, lead_a
):
    for person in (coordinator, chair, panel_member, author_a, lead_a):
        text = _my_cases(client, person)
        assert case.reference in text, person
        assert NAME in text, person


def test_my_cases_shows_the_reference_alone_to_those_who_see_the_stage_only(
    client, case, board_member, referrer
):
    for person in (board_member, referrer):
        text = _my_cases(client, person)
        assert case.reference in text, person
        assert NAME not in text and "Quenby" not in text, person


@pytest.mark.parametrize(
    "typed", ["quenby", "HYPATIA", "marsh hypatia", "Quenby Marsh", "quénby-mársh", "ypati"]
)
def test_search_finds_the_case_by_the_adult_s_name(client, case, coordinator, typed):
    elsewhere = case_create(board=case.board, by=coordinator, subject_name="Zoë O’Neil")
    text = _my_cases(client, coordinator, q=typed)
    assert f'href="/cases/{case.reference}/"' in text
    assert f'href="/cases/{elsewhere.reference}/"' not in text
    assert f"Cases matching ‘{typed.strip()}’ (1)" in text


def test_search_folds_accents_and_apostrophes_of_the_name_on_record(client, case, coordinator):
    zoe = case_create(board=case.board, by=coordinator, subject_name="Zoë O’Neil")
    text = _my_cases(client, coordinator, q="zoe oneil")
    assert f'href="/cases/{zoe.reference}/"' in text
    assert "Zoë O’Neil" in text
    assert f'href="/cases/{case.reference}/"' not in text


def test_search_by_reference_still_works_for_who_sees_the_stage_only(client, case, board_member):
    text = _my_cases(client, board_member, q=case.reference.lower())
    assert f'href="/cases/{case.reference}/"' in text


def _finds_nothing(text: str, case) -> None:
    assert case.reference not in text
    assert "Cases matching" not in text  # no count either
    assert "No case you can see has a reference matching" in text
    assert "Quenby" not in text.replace("‘quenby’", "")


@pytest.mark.parametrize("who", ["board_member", "referrer", "author_b", "lead_b", "outsider"])
def test_a_name_never_finds_a_case_whose_details_the_searcher_may_not_see(
    client, case, who, request
):
    """The board member and the referrer see the case's stage, not its details; agency
    B's people and the outsider do not see it at all."""
    person = request.getfixturevalue(who)
    text = _my_cases(client, person, q="quenby")
    _finds_nothing(text, case)


def test_another_board_s_coordinator_finds_nothing_by_the_name(
    client, case, other_board, other_coordinator
):
    # Their own case by another name: the count is of their cases alone.
    own = case_create(board=other_board, by=other_coordinator, subject_name="Ivor Quenby")
    text = _my_cases(client, other_coordinator, q="hypatia quenby")
    _finds_nothing(text, case)
    text = _my_cases(client, other_coordinator, q="quenby")
    assert "Cases matching ‘quenby’ (1)" in text
    assert own.reference in text and case.reference not in text
    # Nor by the other board's reference.
    text = _my_cases(client, other_coordinator, q=case.reference)
    assert "Cases matching" not in text
    assert f'href="/cases/{case.reference}/"' not in text


def test_a_search_is_audited_with_its_count_and_never_its_text(
    client, case, coordinator, board_member
):
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    _my_cases(client, coordinator, q="Quenby")
    _my_cases(client, board_member, q="Quenby")
    searches = list(AuditEvent.objects.filter(pk__gt=before, object_label="case search"))
    searches.sort(key=lambda event: event.pk)
    assert [(e.actor_id, e.action, e.detail) for e in searches] == [
        (coordinator.pk, "view", "case search: 1 result(s)"),
        (board_member.pk, "view", "case search: 0 result(s)"),
    ]
    for event in AuditEvent.objects.filter(pk__gt=before):
        row = " ".join(str(value) for value in vars(event).values())
        assert "quenby" not in row.lower(), row
    # Listing without a search is not a search.
    _my_cases(client, coordinator)
    assert AuditEvent.objects.filter(object_label="case search").count() == 2


def test_needs_your_attention_names_the_adult_to_who_sees_the_case_in_full(
    client, case_with_chair, chair, referrer_a
):
    client.force_login(chair)
    text = client.get(reverse("cases:home")).content.decode()
    assert case_with_chair.reference in text
    assert f"{NAME}." in text


def test_deadline_pages_name_the_adult(client, case, coordinator):
    owner = case.deadlines.exclude(owner=None).first().owner
    for person, name in (
        (coordinator, "deadlines:board-deadlines"),
        (owner, "deadlines:my-deadlines"),
    ):
        client.force_login(person)
        text = client.get(reverse(name)).content.decode()
        assert case.reference in text, name
        assert NAME in text, name


def test_the_case_page_says_what_happens_next_who_and_by_when(client, case, coordinator):
    from scr.deadlines.models import Deadline

    soonest = case.deadlines.filter(status__in=Deadline.LIVE).order_by("due", "pk").first()
    client.force_login(coordinator)
    text = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    top = text[
        text.index("What happens next") : text.index("</div>", text.index("What happens next"))
    ]
    assert "The panel meets within 7 days and recommends within 4 weeks (6)." in top
    assert f"Next deadline: <strong>{soonest.label}</strong>, by {soonest.due:%d/%m/%Y}" in top
    owner = f"{soonest.owner.full_name} owns it" if soonest.owner else "Nobody owns it yet"
    assert owner in top
    assert "Overdue" not in top
    Deadline.objects.filter(pk=soonest.pk).update(start="2026-01-01", due="2026-01-08")
    text = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert 'by 08/01/2026 <strong class="govuk-tag govuk-tag--red">Overdue</strong>' in text


def test_who_sees_the_stage_only_is_not_told_the_next_step(client, case, board_member):
    client.force_login(board_member)
    text = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "What happens next" not in text


def test_a_search_of_punctuation_alone_finds_nothing(client, case, coordinator):
    text = _my_cases(client, coordinator, q=" - ")
    assert f'href="/cases/{case.reference}/"' not in text
    assert "No case you can see has a reference matching" in text
