"""A coordinator copies and changes review types in the administration (issue 17): a
version a case uses is never edited, a bad change is refused with its reason and changes
nothing, and another board's types are out of reach."""

import pytest
from django.urls import reverse

from scr.audit.models import AuditEvent
from scr.cases.services import case_create
from scr.reviewtypes.models import ReviewType
from scr.reviewtypes.services import review_type_copy, review_type_for

pytestmark = pytest.mark.django_db

ADD = reverse("admin:reviewtypes_reviewtype_add")


def _change(review_type) -> str:
    return reverse("admin:reviewtypes_reviewtype_change", args=[review_type.pk])


def _form(client, review_type) -> dict:
    """The change form's fields as they are shown, ready to post back."""
    form = client.get(_change(review_type)).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list):
            data[name] = value
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def test_a_coordinator_makes_the_boards_own_kind_of_review_from_a_built_in_one(
    client, coordinator, board
):
    client.force_login(coordinator)
    response = client.post(
        ADD,
        {
            "board": board.pk,
            "source": "scr-2009",
            "new_code": "dardr",
            "new_name": "Domestic abuse related death review",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    made = ReviewType.objects.get(board=board, code="dardr")
    assert (made.version, made.based_on, made.name) == (
        1,
        "scr-2009@1",
        "Domestic abuse related death review",
    )
    assert made.parsed.code == "dardr"
    assert AuditEvent.objects.filter(
        object_id=str(made.pk), action="create", detail="copied from scr-2009@1"
    ).exists()
    # The same code again is refused, on the form.
    again = client.post(ADD, {"board": board.pk, "source": "scr-2009", "new_code": "dardr"})
    assert again.status_code == 200
    assert "already has a type with this code" in str(again.context["adminform"].form.errors)
    assert ReviewType.objects.filter(code="dardr").count() == 1


def _own(board, coordinator) -> ReviewType:
    """The board's own kind of review, copied from the 2009 procedure."""
    return review_type_copy(board=board, by=coordinator, source="scr-2009", code="dardr")


def test_a_version_no_case_uses_is_changed_in_place(client, coordinator, board):
    review_type = _own(board, coordinator)
    client.force_login(coordinator)
    data = _form(client, review_type)
    assert data["clock_panel_meeting_amount"] == 7
    data["clock_panel_meeting_amount"] = 10
    data["clock_panel_meeting_working_days"] = "on"
    data["wording_subject"] = "adult at risk"
    response = client.post(_change(review_type), data)
    assert response.status_code == 302
    review_type.refresh_from_db()
    assert review_type.version == 1
    assert review_type.parsed.clock("panel_meeting").period == "10 working days"
    assert review_type.wording["subject"] == "adult at risk"
    assert ReviewType.objects.count() == 1


def test_the_2009_clocks_the_board_sets_are_not_changed_here(client, coordinator, board):
    """Their durations are the board's settings (its own page), as they always were."""
    review_type = review_type_for(board)
    client.force_login(coordinator)
    page = client.get(_change(review_type)).content.decode()
    assert "The board sets these on its own page" in page
    data = _form(client, review_type)
    assert not [name for name in data if name.startswith("clock_")]


def test_a_version_a_case_uses_is_kept_and_the_change_is_the_next_version(
    client, coordinator, board, referrer
):
    running = case_create(board=board, by=referrer, subject_name="Clementine Harrow")
    used = running.review_type
    client.force_login(coordinator)
    data = _form(client, used)
    data["wording_subject"] = "adult at risk"
    data["notify_decision"] = []
    response = client.post(_change(used), data, follow=True)
    assert "Cases use version 1, so it is kept as it is" in response.content.decode()
    used.refresh_from_db()
    assert used.wording["subject"] == "vulnerable adult"
    assert used.parsed.notify == (("decision", "regulator"),)
    newer = ReviewType.objects.get(board=board, code="scr-2009", version=2)
    assert newer.wording["subject"] == "adult at risk"
    assert newer.parsed.notify == ()
    running.refresh_from_db()
    assert running.review_type_id == used.pk
    assert case_create(board=board, by=referrer, subject_name="Tobias Wren").review_type == newer
    # The kept version is no longer the one to change.
    stale = client.post(_change(used), _form(client, used))
    assert stale.status_code == 200
    assert "Version 2 is newer" in str(stale.context["adminform"].form.errors)
    assert ReviewType.objects.filter(code="scr-2009").count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("clock_panel_meeting_amount", "0", "greater than or equal to 1"),
        ("clock_panel_meeting_amount", "seven", "Enter a whole number"),
        ("clock_panel_meeting_unit", "fortnights", "Select a valid choice"),
        ("wording_review", "", "This field is required"),
    ],
)
def test_a_bad_change_is_refused_with_its_reason_and_changes_nothing(
    client, coordinator, board, field, value, message
):
    review_type = _own(board, coordinator)
    before = review_type.definition
    client.force_login(coordinator)
    data = _form(client, review_type)
    data[field] = value
    response = client.post(_change(review_type), data)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    review_type.refresh_from_db()
    assert review_type.definition == before


def test_another_boards_types_are_out_of_reach(client, other_coordinator, board):
    review_type = review_type_for(board)
    client.force_login(other_coordinator)
    assert client.get(_change(review_type)).status_code in (302, 404)
    listed = client.get(reverse("admin:reviewtypes_reviewtype_changelist"))
    assert review_type.name not in listed.content.decode()
    # Nor can they copy into the other board.
    response = client.post(ADD, {"board": board.pk, "source": "sar"})
    assert response.status_code == 200
    assert not ReviewType.objects.filter(board=board, code="sar").exists()


def test_people_who_are_not_coordinators_cannot_open_review_types(client, chair, board):
    review_type = review_type_for(board)
    client.force_login(chair)
    assert client.get(_change(review_type)).status_code in (302, 403)


def test_the_list_counts_each_types_cases_in_one_query(client, coordinator, board, referrer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for code in ("dardr", "lrr"):
        review_type_copy(board=board, by=coordinator, source="scr-2009", code=code)
    case_create(board=board, by=referrer, subject_name="Clementine Harrow")
    client.force_login(coordinator)
    changelist = reverse("admin:reviewtypes_reviewtype_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(changelist)
    assert page.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT" in q["sql"].upper()]
    assert not [sql for sql in counts if '"cases_case"."review_type_id" = ' in sql]


def test_a_code_not_written_as_codes_are_is_its_own_error(client, coordinator, board):
    review_type_for(board)  # the board has scr-2009: a clash would name it
    client.force_login(coordinator)
    page = client.post(ADD, {"board": board.pk, "source": "scr-2009", "new_code": "DARDR x"})
    errors = page.context["adminform"].form.errors
    assert "Use lower-case letters" in str(errors["new_code"])
    assert "already has a type" not in str(errors)


def test_saving_and_going_on_opens_the_version_the_change_made(
    client, coordinator, board, referrer
):
    used = case_create(board=board, by=referrer, subject_name="Clementine Harrow").review_type
    client.force_login(coordinator)
    data = {**_form(client, used), "wording_subject": "adult at risk", "_continue": "1"}
    response = client.post(_change(used), data)
    newer = ReviewType.objects.get(board=board, code="scr-2009", version=2)
    assert response.status_code == 302
    assert response["Location"] == _change(newer)


def test_a_new_type_starts_on_the_persons_board_from_the_2009_procedure(client, coordinator, board):
    client.force_login(coordinator)
    form = client.get(ADD).context["adminform"].form
    assert (form.initial["board"], form.initial["source"]) == (board.pk, "scr-2009")
    assert ("sar", "Safeguarding Adults Review (Care Act 2014, s44) (sar)") in form.fields[
        "source"
    ].choices
