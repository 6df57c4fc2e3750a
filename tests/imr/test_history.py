"""The review's course as its pages show it: the event rows of its status (scr.cases.status),
each with who, when and the director's or the panel's comments; its agency sees every
step, a reader of the signed versions only theirs."""

from datetime import timedelta

import pytest
from django.urls import reverse

from imr import services
from imr.models import Part
from scr.deadlines import calendar
from tests.imr.conftest import write_chronology

DIRECTOR_SAYS = "Add the letter from the GP of 14/03 before I sign."
PANEL_SAYS = "Analyse the closure of 02/04 against term 2."


def url(imr, name, *extra):
    return reverse(name, args=[imr.case.reference, imr.agency_id, *extra])


@pytest.fixture
def returned_once(imr_a, author_a, director_a):
    """The chronology returned by the director (version 1), then signed (version 2)."""
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id}
    write_chronology(imr_a, author_a)
    services.imr_submit(**key, by=author_a, part=Part.CHRONOLOGY)
    services.imr_director_return(**key, by=director_a, comments=DIRECTOR_SAYS)
    return imr_a


def test_the_author_reads_the_directors_return_from_its_event_row(client, returned_once, author_a):
    client.force_login(author_a)
    page = client.get(url(returned_once, "imr:imr-detail")).content.decode()
    assert "Returned by the director" in page
    assert page.count(DIRECTOR_SAYS) == 2  # the banner, and the history's row
    assert "Version 1: Chronology with the director to sign off to Writing the chronology" in page


def test_a_reader_follows_the_signed_versions_and_not_the_draft(
    client, returned_once, author_a, director_a, lead_a, panel_chair, coordinator
):
    key = {"case_id": returned_once.case_id, "agency_id": returned_once.agency_id}
    services.imr_submit(**key, by=author_a, part=Part.CHRONOLOGY)
    services.imr_countersign(**key, by=director_a)
    signed = "Version 2: Chronology with the director to sign off to Writing the full report"
    for person in (author_a, lead_a, director_a):
        client.force_login(person)
        page = client.get(url(returned_once, "imr:imr-detail")).content.decode()
        assert DIRECTOR_SAYS in page and signed in page
        assert "Returned by the director" not in page  # signed since: no banner
    for person in (panel_chair, coordinator):
        client.force_login(person)
        page = client.get(url(returned_once, "imr:imr-detail")).content.decode()
        assert signed in page and director_a.full_name in page
        assert DIRECTOR_SAYS not in page and "Version 1" not in page
        version = client.get(url(returned_once, "imr:version", 2)).content.decode()
        assert signed in version and DIRECTOR_SAYS not in version
        assert client.get(url(returned_once, "imr:version", 1)).status_code == 404


def test_the_panels_return_is_read_from_its_event_row(
    client, with_panel, author_a, panel_chair, coordinator
):
    services.imr_panel_review(
        case_id=with_panel.case_id,
        agency_id=with_panel.agency_id,
        by=panel_chair,
        accept=False,
        comments=PANEL_SAYS,
        revision_due=calendar.today() + timedelta(weeks=3),
    )
    today = calendar.today().strftime("%d/%m/%Y")
    client.force_login(author_a)
    page = client.get(url(with_panel, "imr:imr-detail")).content.decode()
    assert f"The panel returned version 2 for revision on {today}:" in page
    assert page.count(PANEL_SAYS) == 2
    client.force_login(coordinator)
    for page in (
        client.get(url(with_panel, "imr:imr-detail")).content.decode(),
        client.get(url(with_panel, "imr:version", 2)).content.decode(),
    ):
        assert 'id="returned-title"' not in page  # the banner is for the agency
        assert PANEL_SAYS in page and panel_chair.full_name in page
