"""Holes a review found, closed: names in every field the report carries, a lead acting
for another agency, a tampered form, a revision returned by the director, the glossary
keeping what it held, the clocks following a new author, and a closed case."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from imr import draft_services, services
from imr.models import GlossaryEntry, Imr, Part
from imr.selectors import imr_problems
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline

# The procedure to 'closed', through every stage's services.
from tests.actionplans.conftest import (  # noqa: F401
    lead_c,
    planning,
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)
from tests.actionplans.test_closure import closed, monitored  # noqa: F401
from tests.imr.conftest import entry, nominate, write_chronology


def test_a_worker_named_in_the_subject_column_or_the_glossary_is_found(imr_a, author_a):
    write_chronology(imr_a, author_a)
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    draft_services.chronology_entry_save(
        **key, values=entry("05/04/25", "SW1 telephoned.", subject="Bertram Oakes")
    )
    assert any("name check" in p.message for p in imr_problems(imr_a, Part.CHRONOLOGY))
    imr_a.entries.filter(subject="Bertram Oakes").delete()
    draft_services.glossary_entry_save(
        **key, kind="worker", code="HV1", meaning="Bertram Oakes, health visitor"
    )
    assert any("name check" in p.message for p in imr_problems(imr_a, Part.CHRONOLOGY))


def test_a_lead_assigns_only_people_of_their_own_agency(imr_a, lead_b, author_a, agency_c, board):
    from scr.accounts.roles import Role
    from tests.factories import UserFactory

    someone_c = UserFactory(board=board, agency=agency_c)
    with pytest.raises(PermissionDenied):
        case_services.case_assign(
            case_id=imr_a.case_id, user=someone_c, role=Role.IMR_AUTHOR, by=lead_b
        )
    assignment = imr_a.case.assignments.get(user=author_a, role=Role.IMR_AUTHOR)
    with pytest.raises(PermissionDenied):
        case_services.case_unassign(assignment_id=assignment.pk, by=lead_b)


def test_a_tampered_revision_on_remove_is_a_clear_400(client, imr_a, author_a):
    write_chronology(imr_a, author_a)
    one = imr_a.entries.first()
    client.force_login(author_a)
    url = reverse("imr:entry-edit", args=[imr_a.case.reference, imr_a.agency_id, one.pk])
    response = client.post(url, {"remove": "1", "revision": "abc"}, follow=True)
    assert "out of date" in response.content.decode()
    assert imr_a.entries.filter(pk=one.pk).exists()


def test_the_director_returning_a_revision_keeps_it_a_revision(
    with_panel, author_a, director_a, panel_chair
):
    from datetime import timedelta

    from scr.deadlines import calendar

    key = {"case_id": with_panel.case_id, "agency_id": with_panel.agency_id}
    services.imr_panel_review(
        **key,
        by=panel_chair,
        accept=False,
        comments="More on 11.3 g.",
        revision_due=calendar.today() + timedelta(days=14),
    )
    services.imr_submit(**key, by=author_a, part=Part.REPORT)
    services.imr_director_return(**key, by=director_a, comments="Not yet.")
    assert Imr.objects.get(pk=with_panel.pk).status == Imr.Status.REVISION


def test_a_removed_glossary_entry_is_kept_out_of_sight(imr_a, author_a):
    write_chronology(imr_a, author_a)
    sw1 = imr_a.glossary.get(code="SW1")
    draft_services.glossary_entry_remove(
        case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, entry_id=sw1.pk
    )
    assert not imr_a.glossary.filter(code="SW1").exists()
    assert GlossaryEntry.everything.get(pk=sw1.pk).removed_at is not None
    # The code can be given again.
    draft_services.glossary_entry_save(
        case_id=imr_a.case_id,
        agency_id=imr_a.agency_id,
        by=author_a,
        kind="worker",
        code="SW1",
        meaning="Social worker, hospital team",
    )


def test_the_clocks_follow_a_newly_nominated_author(
    asked, lead_a, author_a, director_a, agency_a, board
):
    from tests.factories import UserFactory

    first = UserFactory(board=board, agency=agency_a, full_name="Fay Firstchoice")
    nominate(asked, lead_a, first, director_a)
    nominate(asked, lead_a, author_a, director_a)
    owners = set(
        Deadline.objects.live().filter(case=asked, agency=agency_a).values_list("owner", flat=True)
    )
    assert owners == {author_a.pk}


def test_nothing_changes_on_a_closed_case(closed, author_a, agency_a):  # noqa: F811
    """The whole procedure walked to 'closed' (tests/actionplans): agency A's review, by
    author_a, accepted long before."""
    imr_a = Imr.objects.get(case=closed, agency=agency_a)
    assert Case.objects.get(pk=imr_a.case_id).stage == Stage.CLOSED
    with pytest.raises(ValidationError, match="cannot change"):
        draft_services.chronology_entry_save(
            case_id=imr_a.case_id,
            agency_id=imr_a.agency_id,
            by=author_a,
            values=entry("03/02/25", "SW1 visited."),
        )
    with pytest.raises(ValidationError, match="cannot change"):
        services.imr_appraisal_record(
            case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, needed=False
        )


def test_the_referrer_cannot_be_the_author(asked, lead_b, referrer, board, agency_b):
    from tests.factories import UserFactory

    director = UserFactory(board=board, agency=agency_b)
    with pytest.raises(ValidationError) as error:
        nominate(asked, lead_b, referrer, director)
    assert "referred this case" in error.value.message_dict["author"][0]


def test_the_author_drafts_the_report_while_the_chronology_is_with_the_director(imr_a, author_a):
    write_chronology(imr_a, author_a)
    services.imr_submit(
        case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, part=Part.CHRONOLOGY
    )
    section = draft_services.imr_section_update(
        case_id=imr_a.case_id,
        agency_id=imr_a.agency_id,
        by=author_a,
        section="lessons",
        data={"learning": "Drafted meanwhile."},
        revision=None,
    )
    assert section.data["learning"] == "Drafted meanwhile."
    # The version with the director is untouched, and cannot be submitted twice.
    assert "lessons" not in imr_a.submissions.get().content
    with pytest.raises(ValidationError):
        services.imr_submit(
            case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, part=Part.CHRONOLOGY
        )


def test_every_missing_nomination_answer_is_listed_at_once(client, asked, lead_a, agency_a):
    client.force_login(lead_a)
    page = reverse("imr:nominate", args=[asked.reference, agency_a.pk])
    response = client.post(page, {"author": ""})
    text = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Choose the author",
        "Enter the author&#x27;s job title",
        "Say how the author&#x27;s role equips them",
        "no operational involvement",
        "Choose the director who countersigns",
        "Enter the director&#x27;s job title",
    ):
        assert message in text, message


def test_a_key_action_dated_in_the_past_is_refused_on_save(client, imr_a, author_a):
    client.force_login(author_a)
    page = reverse("imr:recommendation-new", args=[imr_a.case.reference, imr_a.agency_id])
    response = client.post(
        page,
        {
            "revision": "0",
            "text": "Closures are reviewed.",
            "action_1_text": "Audit closures.",
            "action_1_evidence": "Audit reports",
            "action_1_outcome": "No unsafe closures.",
            "action_1_date": "01/03/2025",
        },
    )
    assert response.status_code == 400
    assert "must be in the future" in response.content.decode()
    assert not imr_a.sections.filter(key="action_plan").exists()
