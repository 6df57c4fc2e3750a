"""Every IMR page as its users meet it, and who may not."""

import pytest
from django.urls import reverse

from imr.models import Imr, Section
from scr.audit.models import AuditEvent


def url(imr, name, *extra):
    return reverse(name, args=[imr.case.reference, imr.agency_id, *extra])


AUTHOR_PAGES = [
    ("imr:imr-detail", ()),
    ("imr:appraisal", ()),
    ("imr:preview", ()),
    ("imr:history", ()),
    ("imr:chronology", ()),
    ("imr:chronology-import", ()),
    ("imr:glossary", ()),
    ("imr:checks", ()),
    ("imr:person-new", ()),
    ("imr:recommendation-new", ()),
    *[
        ("imr:section-edit", (key,))
        for key in ("introduction", "family", "analysis", "lessons", "action_plan")
    ],
]


@pytest.mark.parametrize(("name", "extra"), AUTHOR_PAGES)
def test_the_author_opens_every_page_of_the_draft(client, chronology_signed, author_a, name, extra):
    client.force_login(author_a)
    response = client.get(url(chronology_signed, name, *extra))
    assert response.status_code == 200, response.content.decode()[:2000]


@pytest.mark.parametrize(
    ("name", "extra"), [p for p in AUTHOR_PAGES if p[0] not in ("imr:imr-detail",)]
)
def test_readers_never_see_the_draft(
    client, chronology_signed, panel_chair, coordinator, overview_author, name, extra
):
    """Signed versions are for the panel, the coordinator and the overview author; the
    draft pages are the agency's alone."""
    # The appraisal is the author's to record: readers of the signed chronology may see
    # the review but not act on it there.
    expected = 403 if name == "imr:appraisal" else 404
    for person in (panel_chair, coordinator, overview_author):
        client.force_login(person)
        assert client.get(url(chronology_signed, name, *extra)).status_code == expected


def test_readers_see_signed_versions_only(client, imr_a, author_a, panel_chair, coordinator):
    from tests.imr.conftest import write_chronology

    client.force_login(panel_chair)
    assert client.get(url(imr_a, "imr:imr-detail")).status_code == 404
    write_chronology(imr_a, author_a)
    from imr import services

    services.imr_submit(
        case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, part="chronology"
    )
    assert client.get(url(imr_a, "imr:imr-detail")).status_code == 404
    assert client.get(url(imr_a, "imr:version", 1)).status_code == 404


def test_another_agency_never_sees_the_imr(
    client, with_panel, author_b, lead_b, outsider, board_member, other_coordinator
):
    for person in (author_b, lead_b, outsider, board_member, other_coordinator):
        client.force_login(person)
        for name, extra in (("imr:imr-detail", ()), ("imr:version", (1,)), ("imr:pdf", ())):
            assert client.get(url(with_panel, name, *extra)).status_code == 404, (person, name)


def test_the_chair_sees_the_status_on_the_case_page_but_not_the_report(client, with_panel, chair):
    client.force_login(chair)
    case_page = client.get(
        reverse("cases:case-detail", args=[with_panel.case.reference])
    ).content.decode()
    assert "With the panel for quality review" in case_page
    assert client.get(url(with_panel, "imr:imr-detail")).status_code == 404


def test_every_view_of_an_imr_is_audited(client, with_panel, panel_chair):
    client.force_login(panel_chair)
    before = AuditEvent.objects.filter(action="view", object_type="imr").count()
    client.get(url(with_panel, "imr:imr-detail"))
    client.get(url(with_panel, "imr:version", 2))
    assert AuditEvent.objects.filter(action="view", object_type="imr").count() == before + 2


def test_the_panel_reads_the_countersigned_report(
    client, with_panel, panel_chair, panel_member, overview_author, coordinator
):
    for person in (panel_chair, panel_member, overview_author, coordinator):
        client.force_login(person)
        text = client.get(url(with_panel, "imr:version", 2)).content.decode()
        assert "Supervision should test closures." in text
        assert "Bertram" not in text  # the worker's name stays in the glossary


def test_the_author_adds_an_entry_typed_as_people_type(client, imr_a, author_a):
    client.force_login(author_a)
    response = client.post(
        url(imr_a, "imr:chronology"),
        {
            "date": "3 Feb 2025",
            "time": "2.30pm",
            "source": "Case notes",
            "subject": "HQM",
            "event": "SW1 visited.",
            "term_numbers": ["1"],
        },
    )
    assert response.status_code == 302
    entry = imr_a.entries.get()
    assert entry.time.strftime("%H:%M") == "14:30"
    page = client.get(url(imr_a, "imr:chronology")).content.decode()
    assert "03/02/2025" in page and "14:30" in page


def test_a_bad_entry_keeps_what_was_typed_and_saves_nothing(client, imr_a, author_a):
    client.force_login(author_a)
    response = client.post(
        url(imr_a, "imr:chronology"),
        {
            "date": "31/02/25",
            "time": "25:00",
            "source": "",
            "subject": "HQM",
            "event": "SW1 visited the flat.",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "SW1 visited the flat." in text
    assert not imr_a.entries.exists()


def test_a_date_without_a_year_is_refused_with_how_to_write_it(client, imr_a, author_a):
    # "03/02" was read as March 2002 (issue 19): now the author is asked, nothing saved.
    client.force_login(author_a)
    response = client.post(
        url(imr_a, "imr:chronology"),
        {"date": "03/02", "source": "Case notes", "subject": "HQM", "event": "SW1 visited."},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "03/02 could be a day without its year or a month" in text
    assert "like 02/2025 or Feb 2025" in text
    assert 'value="03/02"' in text
    assert not imr_a.entries.exists()


def test_a_month_entry_is_offered_for_editing_as_it_reads_back(client, imr_a, author_a):
    client.force_login(author_a)
    fields = {"source": "Case notes", "subject": "HQM", "event": "SW1 visited."}
    response = client.post(url(imr_a, "imr:chronology"), {"date": "?Feb 2025", **fields})
    assert response.status_code == 302
    entry = imr_a.entries.get()
    page = client.get(url(imr_a, "imr:entry-edit", entry.pk)).content.decode()
    assert 'value="?02/2025"' in page


def test_two_authors_do_not_silently_overwrite_each_other(client, imr_a, author_a):
    client.force_login(author_a)
    page = url(imr_a, "imr:section-edit", "lessons")
    assert client.post(page, {"revision": "0", "learning": "First."}).status_code == 302
    response = client.post(page, {"revision": "0", "learning": "Second, from a stale page."})
    assert response.status_code == 400
    assert "after you opened it" in response.content.decode()
    assert imr_a.sections.get(key=Section.LESSONS).data["learning"] == "First."


def test_autosave_answers_with_the_new_revision(client, imr_a, author_a):
    client.force_login(author_a)
    page = url(imr_a, "imr:section-edit", "lessons")
    response = client.post(page, {"revision": "0", "learning": "Draft.", "autosave": "1"})
    assert response.status_code == 200
    assert response.json()["revision"] == 1
    stale = client.post(page, {"revision": "0", "learning": "Old.", "autosave": "1"})
    assert stale.status_code == 409


def test_only_the_author_writes(client, imr_a, lead_a, director_a):
    for person in (lead_a, director_a):
        client.force_login(person)
        assert client.get(url(imr_a, "imr:chronology")).status_code == 200
        response = client.post(
            url(imr_a, "imr:chronology"),
            {"date": "03/02/25", "source": "x", "subject": "HQM", "event": "x"},
        )
        assert response.status_code == 403
    assert not imr_a.entries.exists()


def test_director_countersigns_and_panel_returns_then_accepts_through_the_pages(
    client, chronology_signed, author_a, director_a, panel_chair
):
    from imr import services
    from tests.imr.conftest import write_report

    imr = chronology_signed
    write_report(imr, author_a)
    client.force_login(author_a)
    assert client.post(url(imr, "imr:submit", "report")).status_code == 302
    client.force_login(director_a)
    assert "Countersign version 2" in client.get(url(imr, "imr:countersign")).content.decode()
    # Not without saying the version was read.
    client.post(url(imr, "imr:countersign"), {"action": "countersign"})
    assert Imr.objects.get(pk=imr.pk).status == Imr.Status.REPORT_SIGN_OFF
    response = client.post(url(imr, "imr:countersign"), {"action": "countersign", "read": "yes"})
    assert response.status_code == 302
    client.force_login(panel_chair)
    response = client.post(url(imr, "imr:panel-review"), {"decision": "return", "comments": ""})
    assert response.status_code == 400
    assert Imr.objects.get(pk=imr.pk).status == Imr.Status.PANEL_REVIEW
    from datetime import timedelta

    from scr.deadlines import calendar

    due = (calendar.today() + timedelta(days=21)).strftime("%d/%m/%Y")
    response = client.post(
        url(imr, "imr:panel-review"),
        {"decision": "return", "comments": "Say more on 11.3 g.", "revision_due": due},
    )
    assert response.status_code == 302
    assert Imr.objects.get(pk=imr.pk).status == Imr.Status.REVISION
    services.imr_submit(case_id=imr.case_id, agency_id=imr.agency_id, by=author_a, part="report")
    services.imr_countersign(case_id=imr.case_id, agency_id=imr.agency_id, by=director_a)
    assert client.post(url(imr, "imr:panel-review"), {"decision": "accept"}).status_code == 302
    assert Imr.objects.get(pk=imr.pk).status == Imr.Status.ACCEPTED


def test_section_12_note_is_seen_by_lead_coordinator_and_chair_only(
    client, with_panel, author_a, lead_a, coordinator, chair, panel_chair, director_a
):
    client.force_login(author_a)
    response = client.post(
        url(with_panel, "imr:concern-new"),
        {"text": "SW1's conduct on 14/03 may need a disciplinary review."},
    )
    assert response.status_code == 302
    secret = "may need a disciplinary review"
    for person in (lead_a, coordinator):
        client.force_login(person)
        assert secret in client.get(url(with_panel, "imr:imr-detail")).content.decode()
    for person in (author_a, panel_chair, director_a):
        client.force_login(person)
        assert secret not in client.get(url(with_panel, "imr:imr-detail")).content.decode()
    client.force_login(chair)
    assert client.get(url(with_panel, "imr:imr-detail")).status_code == 404
    case_page = reverse("cases:case-detail", args=[with_panel.case.reference])
    assert secret in client.get(case_page).content.decode()
    for person in (author_a, panel_chair, director_a):
        client.force_login(person)
        assert secret not in client.get(case_page).content.decode()


def test_the_chronology_page_costs_the_same_queries_for_10_or_250_entries(
    client, imr_a, author_a, django_assert_max_num_queries
):
    """A chronology of thousands of entries stays quick to page through."""
    from datetime import date, timedelta

    from imr.models import ChronologyEntry

    def add(count, start):
        ChronologyEntry.objects.bulk_create(
            ChronologyEntry(
                imr=imr_a,
                date=start + timedelta(days=i),
                source="Case notes",
                subject="HQM",
                event=f"SW1 visit {i}.",
                updated_by=author_a,
            )
            for i in range(count)
        )

    client.force_login(author_a)
    page = url(imr_a, "imr:chronology")
    add(10, date(2024, 1, 1))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(page).status_code == 200
    add(240, date(2022, 1, 1))
    with django_assert_max_num_queries(len(small)):
        response = client.get(page + "?page=2")
    assert response.status_code == 200
    assert "Page 2 of 3" in response.content.decode()


def test_the_export_reads_back_through_the_import(client, chronology_signed, author_a):
    from imr import spreadsheet

    client.force_login(author_a)
    for fmt in ("csv", "xlsx"):
        response = client.get(url(chronology_signed, "imr:chronology-export", fmt))
        assert response.status_code == 200
        rows = spreadsheet.read_chronology(response.content, f"x.{fmt}", term_numbers={1, 2})
        assert [r.event for r in rows] == list(
            chronology_signed.entries.order_by("date").values_list("event", flat=True)
        )


def test_a_spreadsheet_with_a_bad_row_imports_nothing_and_says_which_row(client, imr_a, author_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(author_a)
    csv = (
        "Date,Time,Source of information,Subject of recording,"
        "Event description, action and outcome,Expected practice/standards,"
        "Relevance to terms of reference\n"
        "03/02/25,1430,Case notes,HQM,SW1 visited.,,1\n"
        "31/02/25,,Case notes,HQM,GP1 called.,,9\n"
    )
    # The header above has a comma inside a column name: quote it as a spreadsheet would.
    csv = csv.replace(
        "Event description, action and outcome", '"Event description, action and outcome"'
    )
    upload = SimpleUploadedFile("chronology.csv", csv.encode(), content_type="text/csv")
    response = client.post(url(imr_a, "imr:chronology-import"), {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "was not imported" in text
    assert ">3<" in text  # the row as the spreadsheet numbers it
    assert not imr_a.entries.exists()


def test_a_countersigned_version_is_rendered_once_by_the_worker_and_kept(
    client, chronology_signed, author_a, director_a, panel_chair, django_capture_on_commit_callbacks
):
    from imr import services
    from scr.documents.models import RenderedDocument
    from tests.imr.conftest import write_report

    imr = chronology_signed
    write_report(imr, author_a)
    services.imr_submit(case_id=imr.case_id, agency_id=imr.agency_id, by=author_a, part="report")
    with django_capture_on_commit_callbacks(execute=True):
        services.imr_countersign(case_id=imr.case_id, agency_id=imr.agency_id, by=director_a)
    kept = RenderedDocument.objects.get(key=f"imr:{imr.pk}:v2:signed")
    assert kept.ready and kept.size > 0
    client.force_login(panel_chair)
    first = client.get(url(imr, "imr:pdf"))
    second = client.get(url(imr, "imr:pdf"))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.getvalue() == second.getvalue()
    assert RenderedDocument.objects.filter(key=kept.key).count() == 1  # the kept file, again


def test_a_changed_draft_is_laid_out_again_and_a_failure_can_be_retried(
    client, imr_a, author_a, django_capture_on_commit_callbacks
):
    from unittest import mock

    from scr.documents.models import RenderedDocument
    from tests.imr.conftest import write_chronology

    write_chronology(imr_a, author_a)
    client.force_login(author_a)
    # The worker's task runs when the request's transaction commits (here: on leaving
    # the block), so the PDF is there at the next look.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url(imr_a, "imr:pdf"))
    assert client.get(url(imr_a, "imr:pdf"))["Content-Type"] == "application/pdf"
    client.post(url(imr_a, "imr:section-edit", "lessons"), {"revision": "0", "learning": "New."})
    with (
        mock.patch("scr.documents.services.render_pdf", side_effect=RuntimeError("layout")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.get(url(imr_a, "imr:pdf"))  # a new draft: laid out again, and it fails
    failed = client.get(url(imr_a, "imr:pdf"))
    assert "could not be made" in failed.content.decode()
    assert '<meta http-equiv="refresh"' not in failed.content.decode()
    client.get(url(imr_a, "imr:pdf"))  # looking again does not ask the worker again
    assert RenderedDocument.objects.filter(status="failed").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(imr_a, "imr:pdf"))
    assert client.get(url(imr_a, "imr:pdf"))["Content-Type"] == "application/pdf"
    assert RenderedDocument.objects.filter(status="done").count() == 2


def test_a_saved_revision_shows_what_was_saved_to_its_agency_only(
    client, imr_a, author_a, lead_a, coordinator
):
    client.force_login(author_a)
    page = url(imr_a, "imr:section-edit", "lessons")
    client.post(page, {"revision": "0", "learning": "The first thought."})
    client.post(page, {"revision": "1", "learning": "The second thought."})
    first = imr_a.revisions.filter(section="lessons").order_by("revision").first()
    client.force_login(lead_a)
    text = client.get(url(imr_a, "imr:revision", first.pk)).content.decode()
    assert "The first thought." in text and "The second thought." not in text
    assert "11.4 a" in text
    client.force_login(coordinator)
    assert client.get(url(imr_a, "imr:revision", first.pk)).status_code == 404


def test_an_entry_fixed_from_the_checks_returns_to_the_checks(client, imr_a, author_a):
    from tests.imr.conftest import write_chronology

    write_chronology(imr_a, author_a)
    first = imr_a.entries.order_by("date").first()
    client.force_login(author_a)
    page = url(imr_a, "imr:entry-edit", first.pk) + "?next=checks"
    response = client.post(
        page,
        {
            "revision": str(first.revision),
            "date": "03/02/25",
            "source": "Case notes",
            "subject": "HQM",
            "event": "SW1 visited at home.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(imr_a, "imr:checks")


def test_a_save_without_its_revision_is_refused_like_a_stale_one(client, imr_a, author_a):
    """Leaving the hidden field out must not skip the clash check (#20, item 2)."""
    client.force_login(author_a)
    page = url(imr_a, "imr:section-edit", "lessons")
    assert client.post(page, {"revision": "0", "learning": "First."}).status_code == 302
    response = client.post(page, {"learning": "Overwrite, with no revision."})
    assert response.status_code == 400
    assert "after you opened it" in response.content.decode()
    assert client.post(page, {"learning": "Old.", "autosave": "1"}).status_code == 409
    assert imr_a.sections.get(key=Section.LESSONS).data["learning"] == "First."


def test_the_checks_list_problems_as_an_error_summary_and_confirm_nothing(client, imr_a, author_a):
    # Issue 19: a green confirmation panel stood on the page before anything was sent.
    client.force_login(author_a)
    page = client.get(url(imr_a, "imr:checks")).content.decode()
    assert "govuk-panel" not in page
    assert 'class="govuk-error-summary"' in page
    assert "before you submit" in page
    assert "Nothing to fix" not in page


def test_checks_with_nothing_to_fix_say_so_without_a_confirmation_panel(client, imr_a, author_a):
    from tests.imr.conftest import write_chronology

    write_chronology(imr_a, author_a)
    client.force_login(author_a)
    page = client.get(url(imr_a, "imr:checks")).content.decode()
    assert "govuk-panel" not in page
    assert "govuk-error-summary" not in page
    assert "Nothing to fix: the chronology and family composition is ready to submit." in page
