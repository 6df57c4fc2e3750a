"""Case references before boards had codes (SCR-2026-001): an address with one goes on
to the case's page under its reference, for who may see the case; nobody else learns
anything from it."""

import pytest
from django.urls import reverse

from scr.cases.models import Case

pytestmark = pytest.mark.django_db


def _old(case: Case) -> str:
    return case.reference.split("-", 1)[1]


def test_the_case_page_at_an_older_reference_redirects_to_its_reference(
    client, case, coordinator, board_member
):
    assert _old(case).startswith("SCR-")
    for person in (coordinator, board_member):
        client.force_login(person)
        response = client.get(f"/cases/{_old(case)}/")
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:case-detail", args=[case.reference])


def test_a_page_under_the_case_keeps_its_path_and_query(client, case, coordinator):
    client.force_login(coordinator)
    old = reverse("cases:case-document", args=[_old(case), "case-summary"])
    response = client.get(old + "?inline=1")
    assert response.status_code == 302
    new = reverse("cases:case-document", args=[case.reference, "case-summary"])
    assert response["Location"] == new + "?inline=1"


@pytest.mark.parametrize("who", ["author_b", "outsider", "other_coordinator"])
def test_who_may_not_see_the_case_gets_404_at_its_older_reference(client, case, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/cases/{_old(case)}/").status_code == 404


def test_an_older_reference_redirects_within_the_user_s_own_board(
    client, case, other_board, other_coordinator
):
    from scr.cases.services import case_create

    theirs = case_create(board=other_board, by=other_coordinator, subject_name="Ivy Other")
    assert _old(theirs) == _old(case)
    client.force_login(other_coordinator)
    response = client.get(f"/cases/{_old(case)}/")
    assert response["Location"] == reverse("cases:case-detail", args=[theirs.reference])


def test_a_post_to_an_older_reference_is_not_redirected(client, case, coordinator):
    client.force_login(coordinator)
    assert client.post(f"/cases/{_old(case)}/", {}).status_code == 404
