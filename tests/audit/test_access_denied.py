"""A signed-in user refused by a view leaves one ACCESS_DENIED row (scr.audit.middleware):
who, the object by type and id, the URL's name and ids, the address. Never content."""

import pytest
from django.urls import reverse

from scr.audit.models import AuditEvent
from scr.documents import registry

pytestmark = pytest.mark.django_db

SUBJECT = "Hypatia Quenby-Marsh"  # tests/conftest.py: the case's subject


def _denied():
    return AuditEvent.objects.filter(action="access_denied")


def _no_content(event: AuditEvent) -> None:
    text = " ".join(
        [event.actor_label, event.object_type, event.object_label, event.detail]
    ).lower()
    assert "hypatia" not in text and "quenby" not in text


def test_a_case_the_user_may_not_see_is_a_404_and_audited(client, case, outsider):
    client.force_login(outsider)
    url = reverse("cases:case-detail", args=[case.reference])
    response = client.get(url, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 404
    event = _denied().get()
    assert (event.actor, event.outcome, event.board) == (outsider, "denied", case.board)
    assert (event.object_type, event.object_id, event.object_label) == (
        "case",
        str(case.pk),
        case.reference,
    )
    assert event.detail == "404 cases:case-detail"
    assert event.ip_address == "192.0.2.10"
    _no_content(event)


def test_a_case_seen_but_not_in_full_is_a_403_and_audited(client, case, board_member):
    client.force_login(board_member)
    kind = registry.case_page_kinds()[0]
    response = client.get(reverse("cases:case-document", args=[case.reference, kind]))
    assert response.status_code == 403
    event = _denied().get()
    assert (event.actor, event.object_type, event.object_id) == (board_member, "case", str(case.pk))
    # `kind` is a string argument that is not an id: it stays out.
    assert event.detail == "403 cases:case-document"
    _no_content(event)


def test_ids_of_the_url_are_kept(client, case, outsider, agency_a):
    client.force_login(outsider)
    url = reverse("imr:entry-edit", args=[case.reference, agency_a.pk, 42])
    assert client.get(url).status_code == 404
    event = _denied().get()
    assert event.detail == f"404 imr:entry-edit agency_id={agency_a.pk} entry_id=42"


def test_a_refusal_the_view_records_itself_is_one_row(client, case, referrer):
    """scr.cases.views records a refused decision itself: the middleware adds nothing."""
    client.force_login(referrer)
    url = reverse("cases:case-detail", args=[case.reference])
    assert client.post(url, {"transition": "close", "note": "x"}).status_code == 403
    assert _denied().get().detail == "decision"


def test_another_boards_reference_names_no_object(client, case, other_coordinator):
    client.force_login(other_coordinator)
    url = reverse("cases:case-detail", args=[case.reference])
    assert client.get(url).status_code == 404
    event = _denied().get()
    # On the prober's board: the other board's coordinator is not told of its cases.
    assert event.board == other_coordinator.board
    assert (event.object_type, event.object_id, event.object_label) == (
        "case",
        "",
        case.reference,
    )


def test_a_token_in_the_url_never_enters_the_trail(client, coordinator):
    client.force_login(coordinator)
    secret = "s3cr3t-calendar-token-value"
    assert client.get(reverse("deadlines:calendar-feed", args=[secret])).status_code == 404
    event = _denied().get()
    assert event.detail == "404 deadlines:calendar-feed"
    assert secret not in f"{event.object_id} {event.object_label} {event.detail}"


def test_admin_refusals_are_audited(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert _denied().get().detail == "403 admin:audit_auditevent_add"


def test_anonymous_users_static_files_and_unknown_pages_are_not_recorded(client, case, coordinator):
    case_url = reverse("cases:case-detail", args=[case.reference])
    assert client.get(case_url).status_code == 302  # to the sign-in page
    assert client.get(reverse("deadlines:calendar-feed", args=["nope"])).status_code == 404
    client.force_login(coordinator)
    assert client.get("/static/no-such-file.css").status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    assert not _denied().exists()
