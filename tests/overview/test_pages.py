"""The overview report's, the receipt's and the executive summary's pages: who may see
and do what, bad input, and the confidential documents kept off the case page."""

import pytest
from django.urls import reverse

from overview import services
from overview import summary_services as summaries
from overview.models import ExecutiveSummary, Finding, Overview, OverviewSection, ReceiptItem
from scr.audit.models import AuditEvent
from scr.cases.models import Case
from scr.cases.stages import Stage
from tests.overview.conftest import CLEAN_SUMMARY, receive, write_overview

pytestmark = pytest.mark.django_db

READERS = ("overview_author", "coordinator", "chair", "panel_chair", "panel_member")
HIDDEN = ("lead_a", "author_a", "director_a", "board_member", "outsider", "other_coordinator")


def _url(case, name, *args):
    return reverse(f"overview:{name}", args=[case.reference, *args])


@pytest.mark.parametrize("who", READERS)
def test_readers_open_the_report(client, request, started, who):
    client.force_login(request.getfixturevalue(who))
    case = started.case
    for name, args in (
        ("overview-detail", ()),
        ("section-edit", ("introduction",)),
        ("findings", ()),
        ("recommendations", ()),
        ("receipt", ()),
    ):
        assert client.get(_url(case, name, *args)).status_code == 200, name
    assert AuditEvent.objects.filter(object_type="overview", action="view").exists()


@pytest.mark.parametrize("who", HIDDEN)
def test_others_get_404_for_every_page(client, request, started, who):
    client.force_login(request.getfixturevalue(who))
    case = started.case
    for name, args in (
        ("overview-detail", ()),
        ("section-edit", ("introduction",)),
        ("findings", ()),
        ("finding-new", ()),
        ("recommendations", ()),
        ("receipt", ()),
        ("pdf", ()),
    ):
        assert client.get(_url(case, name, *args)).status_code == 404, name


@pytest.mark.parametrize("who", ("lead_a", "author_a", "director_a"))
def test_confidential_documents_are_not_on_the_case_page_route(
    client, request, received, overview_author, who
):
    """People who see the case (an agency's lead, author, director) do not get the
    overview or the unreleased summary through the case's documents."""
    summaries.summary_start(case_id=received.case_id, by=overview_author)
    case = received.case
    client.force_login(request.getfixturevalue(who))
    for kind in ("overview", "executive-summary"):
        url = reverse("cases:case-document", args=[case.reference, kind])
        assert client.get(url).status_code == 404, kind
    if who == "lead_a":
        page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
        assert "documents/overview.pdf" not in page
        assert "documents/executive-summary.pdf" not in page


def test_the_coordinator_begins_the_report_from_the_case_page(
    client, reviews_accepted, coordinator
):
    client.force_login(coordinator)
    page = client.get(reverse("cases:case-detail", args=[reviews_accepted.reference]))
    assert "Begin the overview report" in page.content.decode()
    response = client.post(_url(reviews_accepted, "start"))
    assert response.status_code == 302
    assert Case.objects.get(pk=reviews_accepted.pk).stage == Stage.OVERVIEW_IN_PROGRESS


def test_beginning_too_early_says_why(client, commissioned, coordinator, agency_a):
    from datetime import timedelta

    from imr import services as imr_services
    from scr.deadlines import calendar

    imr_services.imr_commission(
        case_id=commissioned.pk,
        by=coordinator,
        agency_ids=[agency_a.pk],
        chronology_due=calendar.today() + timedelta(weeks=2),
        report_due=calendar.today() + timedelta(weeks=6),
    )
    client.force_login(coordinator)
    response = client.post(_url(commissioned, "start"))
    assert response.status_code == 400
    assert "Waiting for: Testshire NHS Trust" in response.content.decode()
    assert not Overview.objects.exists()


def test_the_author_saves_a_section(client, started, overview_author):
    client.force_login(overview_author)
    url = _url(started.case, "section-edit", "introduction")
    response = client.post(url, {"text": "She lived alone.", "revision": 0})
    assert response.status_code == 302
    assert OverviewSection.objects.get(overview=started, key="introduction").text == (
        "She lived alone."
    )


def test_a_clash_keeps_the_typed_text(client, started, overview_author):
    client.force_login(overview_author)
    url = _url(started.case, "section-edit", "introduction")
    client.post(url, {"text": "First.", "revision": 0})
    response = client.post(url, {"text": "My late change.", "revision": 0})
    assert response.status_code == 400
    text = response.content.decode()
    assert "after you opened it" in text and "My late change." in text


@pytest.mark.parametrize("who", ("coordinator", "chair", "panel_chair"))
def test_readers_cannot_write(client, request, started, who):
    client.force_login(request.getfixturevalue(who))
    url = _url(started.case, "section-edit", "introduction")
    assert client.post(url, {"text": "x", "revision": 0}).status_code == 403
    assert client.get(_url(started.case, "finding-new")).status_code == 403
    assert not OverviewSection.objects.filter(overview=started, key="introduction").exists()


def test_a_finding_with_a_bad_reference_is_refused_and_kept(client, started, overview_author):
    client.force_login(overview_author)
    url = _url(started.case, "finding-new")
    response = client.post(url, {"text": "Nobody followed up.", "entry_refs": "E12x, 7"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "E12x" in text and "Nobody followed up." in text
    response = client.post(url, {"text": "Nobody followed up.", "entry_refs": "E99999"})
    assert response.status_code == 400
    assert "No entry E99999" in response.content.decode()
    assert not Finding.objects.exists()


def test_a_finding_links_to_its_evidence(client, started, overview_author):
    entry = started.entries.order_by("pk").first()
    client.force_login(overview_author)
    response = client.post(
        _url(started.case, "finding-new"),
        {"text": "Nobody followed up.", "entry_refs": f"e{entry.pk}"},
    )
    assert response.status_code == 302
    page = client.get(_url(started.case, "findings")).content.decode()
    assert f"#E{entry.pk}" in page


def test_a_recommendation_needs_someone_to_act(client, started, overview_author, agency_a):
    client.force_login(overview_author)
    url = _url(started.case, "recommendation-new")
    response = client.post(url, {"text": "Share visit outcomes."})
    assert response.status_code == 400
    assert "agencies the recommendation is for" in response.content.decode()
    response = client.post(url, {"text": "Share visit outcomes.", "agency_ids": [agency_a.pk]})
    assert response.status_code == 302


def test_submitting_from_the_page(client, written, overview_author):
    client.force_login(overview_author)
    check = client.get(_url(written.case, "submit")).content.decode()
    assert "Possible duplicates not linked" in check and "People who may be the same" in check
    response = client.post(_url(written.case, "submit"))
    assert response.status_code == 302
    assert Overview.objects.get(pk=written.pk).status == Overview.Status.WITH_BOARD


def test_the_receipt_page_records_each_step(client, submitted, coordinator, agency_a):
    client.force_login(coordinator)
    url = _url(submitted.case, "response-edit", agency_a.pk)
    response = client.post(url, {"answer": "disagrees"})
    assert response.status_code == 400
    assert "Enter the agency" in response.content.decode()
    assert client.post(url, {"answer": "comments", "comments": "Page 4 dates."}).status_code == 302
    url = _url(submitted.case, "receipt-item", "availability")
    assert client.post(url, {"note": " "}).status_code == 400
    assert client.post(url, {"note": "Board members and agencies' leads."}).status_code == 302
    item = ReceiptItem.objects.get(overview=submitted, key="availability")
    assert item.done_by == coordinator
    page = client.get(_url(submitted.case, "receipt")).content.decode()
    assert "Board members and agencies" in page and "Page 4 dates." in page


def test_only_the_coordinator_records_receipt(client, submitted, chair, overview_author):
    for person in (chair, overview_author):
        client.force_login(person)
        url = _url(submitted.case, "receipt-item", "availability")
        assert client.post(url, {"note": "x"}).status_code == 403
    assert not ReceiptItem.objects.exists()


def _summary_url(case, name="summary", *args):
    return reverse(f"overview:{name}", args=[case.reference, *args])


@pytest.fixture
def drafted(received, overview_author) -> ExecutiveSummary:
    summaries.summary_start(case_id=received.case_id, by=overview_author)
    summary = ExecutiveSummary.objects.get(case_id=received.case_id)
    return summaries.summary_save(
        case_id=received.case_id, by=overview_author, revision=summary.revision, **CLEAN_SUMMARY
    )


def test_the_summary_page_lists_each_identifying_match(client, drafted, overview_author):
    client.force_login(overview_author)
    url = _summary_url(drafted.case, "summary-edit")
    response = client.post(
        url,
        {
            "process": "Mrs Hypatia  QUENBY-MARSH, born 12 March 1941, was seen by SW 1.",
            "key_issues": "x",
            "recommendations": "y",
            "revision": drafted.revision,
        },
    )
    assert response.status_code == 302
    page = client.get(_summary_url(drafted.case)).content.decode()
    for found in ("QUENBY-MARSH", "12 March 1941", "SW 1"):
        assert found in page
    assert "Mark as not identifying" in page


def test_sending_a_summary_that_names_someone_shows_an_error_summary(
    client, drafted, overview_author
):
    # Issue 19: the refusal was a banner after a redirect; now the GOV.UK error summary,
    # leading to the identification check, and the summary stays with its author.
    client.force_login(overview_author)
    fields = {"key_issues": "x", "recommendations": "y", "revision": drafted.revision}
    process = "Mrs Hypatia Quenby-Marsh was seen by SW1."
    edit = _summary_url(drafted.case, "summary-edit")
    assert client.post(edit, {"process": process, **fields}).status_code == 302
    client.get(_summary_url(drafted.case))  # the page shows (and spends) the save's banner
    response = client.post(_summary_url(drafted.case, "summary-send"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page and "There is a problem" in page
    assert '<a href="#check">The summary still identifies someone' in page
    assert 'id="check"' in page
    assert "govuk-notification-banner" not in page
    assert ExecutiveSummary.objects.get(pk=drafted.pk).status == ExecutiveSummary.Status.DRAFTING


@pytest.mark.parametrize("who", ("lead_a", "author_a", "board_member", "outsider", "referrer"))
def test_the_summary_is_hidden_before_release(client, request, drafted, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_summary_url(drafted.case)).status_code == 404
    assert client.get(_summary_url(drafted.case, "summary-pdf")).status_code == 404


@pytest.mark.parametrize("who", ("panel_member", "chair", "coordinator", "panel_chair"))
def test_the_panel_and_the_chair_read_it_before_release(client, request, drafted, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(_summary_url(drafted.case))
    assert page.status_code == 200
    assert "joint visit" in page.content.decode()


def test_the_chairs_approval_form_validates(client, drafted, overview_author, panel_chair, chair):
    case_id = drafted.case_id
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    client.force_login(chair)
    url = _summary_url(drafted.case, "summary-approve")
    response = client.post(url, {"criminal_proceedings": "", "release_date": "31/02/2027"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "criminal proceedings" in text
    assert ExecutiveSummary.objects.get(pk=drafted.pk).status == ExecutiveSummary.Status.AGREED
    client.force_login(panel_chair)
    assert client.post(url, {"criminal_proceedings": "None."}).status_code == 403


def test_released_summary_is_public_to_everyone_on_the_case(
    client, drafted, overview_author, panel_chair, chair, board_member, lead_a
):
    from scr.deadlines import calendar

    case_id = drafted.case_id
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    summaries.summary_approve(
        case_id=case_id, by=chair, criminal_proceedings="None.", release_date=calendar.today()
    )
    summaries.summary_release_due()
    for person in (board_member, lead_a):
        client.force_login(person)
        page = client.get(_summary_url(drafted.case))
        assert page.status_code == 200
        assert "joint visit" in page.content.decode()
        assert "criminal proceedings" not in page.content.decode().lower()


def test_the_author_asks_the_chair_for_more_time_from_the_report(client, started, overview_author):
    """13.3: the 4-month clock is the author's; more time goes to the chair."""
    from scr.deadlines.models import Deadline

    clock = Deadline.objects.get(case=started.case, kind=Deadline.Kind.OVERVIEW_REPORT)
    assert clock.owner == overview_author
    client.force_login(overview_author)
    page = client.get(_url(started.case, "overview-detail")).content.decode()
    assert reverse("deadlines:extension-request", args=[clock.pk]) in page


def _attention(client, person) -> str:
    client.force_login(person)
    return client.get(reverse("cases:home")).content.decode()


def test_needs_your_attention_walks_each_person_through_the_stage(
    client, reviews_accepted, coordinator, overview_author, panel_chair, chair
):
    case = reviews_accepted
    assert "Begin the overview report" in _attention(client, coordinator)
    services.overview_start(case_id=case.pk, by=coordinator)
    assert "Write the overview report" in _attention(client, overview_author)
    overview = Overview.objects.get(case=case)
    write_overview(overview, overview_author)
    services.overview_submit(case_id=case.pk, by=overview_author)
    assert "Record the board&#x27;s receipt" in _attention(client, coordinator)
    assert "Write the executive summary" in _attention(client, overview_author)
    receive(overview, coordinator)
    summaries.summary_start(case_id=case.pk, by=overview_author)
    summary = ExecutiveSummary.objects.get(case=case)
    summaries.summary_save(
        case_id=case.pk, by=overview_author, revision=summary.revision, **CLEAN_SUMMARY
    )
    summaries.summary_send_to_panel(case_id=case.pk, by=overview_author)
    assert "Agree the executive summary for the panel" in _attention(client, panel_chair)
    summaries.summary_panel_decide(case_id=case.pk, by=panel_chair, agree=True)
    assert "Approve the executive summary" in _attention(client, chair)


def test_14a_shows_the_responses_it_rests_on(client, submitted, coordinator, agency_a):
    from overview import receipt_services as receipt

    receipt.contributor_response_record(
        case_id=submitted.case_id,
        by=coordinator,
        agency_id=agency_a.pk,
        answer="disagrees",
        comments="The dates on page 4 are wrong.",
    )
    client.force_login(coordinator)
    page = client.get(_url(submitted.case, "receipt-item", "contributors")).content.decode()
    assert "The dates on page 4 are wrong." in page
    assert "does not agree the contents: say below how the board dealt with that" in page


def test_a_section_save_without_its_revision_is_refused(client, started, overview_author):
    """Leaving the hidden field out must not skip the clash check (#20, item 2)."""
    client.force_login(overview_author)
    url = _url(started.case, "section-edit", "introduction")
    client.post(url, {"text": "First.", "revision": 0})
    response = client.post(url, {"text": "Overwrite, with no revision."})
    assert response.status_code == 400
    assert "after you opened it" in response.content.decode()
    assert OverviewSection.objects.get(overview=started, key="introduction").text == "First."


def test_a_summary_save_without_its_revision_is_refused(client, drafted, overview_author):
    client.force_login(overview_author)
    response = client.post(
        _summary_url(drafted.case, "summary-edit"),
        {"process": "Overwritten.", "key_issues": "x", "recommendations": "y"},
    )
    assert response.status_code == 400
    assert "after you opened it" in response.content.decode()
    assert ExecutiveSummary.objects.get(pk=drafted.pk).process == drafted.process
