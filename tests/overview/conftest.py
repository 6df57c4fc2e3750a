"""A case whose three management reviews are accepted, and its overview report begun.

Built through the services, as the coordinator, each agency, the panel and the
overview author would build it. The three chronologies share one event (the same
visit recorded by the NHS and the Police), leave a long gap in 2025 and report the
adult's daughter twice (by NHS and Adult Social Care, same name and date of birth)."""

from datetime import date, timedelta

import pytest

from imr import draft_services
from imr import services as imr_services
from imr.demo import write_section
from imr.entry_parsing import parse_date, parse_time
from imr.models import Part, Section
from overview import services
from overview.models import Overview
from scr.accounts.roles import Role
from scr.cases.models import Case
from scr.deadlines import calendar
from tests.conftest import _person
from tests.imr.conftest import commissioned, nominate, write_report  # noqa: F401

DAUGHTER = {
    "id": "p1",
    "relationship": "child",
    "relationship_detail": "Daughter",
    "name": "Rosalind Quenby",
    "dob": "1975-06-14",
    "address": "4 Larch Close, Testford TF1 2AB",
    "ethnicity": "White British",
}

# Each agency's chronology: (date as typed, time as typed, subject, event, terms).
CHRONOLOGIES = {
    "a": [
        ("03/02/25", "10:15", "HQM", "SW1 visited at home with GP1; HQM said she felt safe.", [1]),
        ("14/03/25", "", "HQM", "GP1 reviewed medication; no concerns recorded.", [2]),
        ("20/09/25", "", "HQM", "GP1 saw HQM after a fall at home.", [1]),
    ],
    "b": [
        ("03/02/25", "", "HQM", "PC1 visited at home with SW1; she said she felt safe.", [1]),
        ("02/2025", "", "RQ", "Daughter reported concerns by telephone.", [2]),
        ("25/12/25", "21:40", "HQM", "PC2 attended a call from a neighbour.", [1, 2]),
    ],
    "c": [
        ("2025", "", "HQM", "Care package reviewed during the year.", [2]),
        ("01/02/25", "09:00", "HQM", "SW2 assessed care needs.", [1]),
        ("26/12/25", "", "HQM", "SW2 arranged respite care.", [2]),
    ],
}


def _write_chronology(imr, author, rows, people) -> None:
    key = {"case_id": imr.case_id, "agency_id": imr.agency_id, "by": author}
    write_section(
        **key,
        section=Section.FAMILY,
        content={
            "subject": {
                "name": "Hypatia Quenby-Marsh",
                "dob": "1941-03-12",
                "dod": "",
                "address": "12 Quarry Lane, Testford TF2 9ZZ",
                "ethnicity": "White British",
            },
            "people": people,
            "other_addresses": "",
        },
    )
    for day, at, subject, event, terms in rows:
        draft_services.chronology_entry_save(
            **key,
            values=draft_services.EntryValues(
                date=parse_date(day),
                time=parse_time(at),
                source="Case notes",
                subject=subject,
                event=event,
                expected_practice="",
                term_numbers=terms,
                # The long quiet period of each agency is explained where it ends.
                explains_gap=True,
            ),
        )
    for code, meaning, name in (
        ("SW1", "Social worker", "Bertram Oakes"),
        ("SW2", "Senior social worker", "Philippa Dunmore"),
        ("GP1", "General practitioner", ""),
        ("PC1", "Police constable", "Graham Tolley"),
        ("PC2", "Police constable", ""),
        ("HQM", "The adult", ""),
        ("RQ", "The adult's daughter", ""),
    ):
        draft_services.glossary_entry_save(
            **key,
            kind="worker" if name or code[:2] in ("SW", "GP", "PC") else "abbreviation",
            code=code,
            meaning=meaning,
            worker_name=name,
        )


def accept_review(imr, author, director, panel_chair, rows, people) -> None:
    """Write, submit, countersign and accept one agency's review."""
    key = {"case_id": imr.case_id, "agency_id": imr.agency_id}
    _write_chronology(imr, author, rows, people)
    imr_services.imr_submit(**key, by=author, part=Part.CHRONOLOGY)
    imr_services.imr_countersign(**key, by=director)
    write_report(imr, author)
    imr_services.imr_submit(**key, by=author, part=Part.REPORT)
    imr_services.imr_countersign(**key, by=director)
    imr_services.imr_panel_review(**key, by=panel_chair, accept=True)


@pytest.fixture
def reviews_accepted(
    commissioned,  # noqa: F811
    board,
    coordinator,
    panel_chair,
    agency_a,
    agency_b,
    agency_c,
    lead_a,
    author_a,
    director_a,
    lead_b,
    author_b,
) -> Case:
    """The case with the reviews of agencies A, B and C accepted by the panel."""
    today = calendar.today()
    imr_services.imr_commission(
        case_id=commissioned.pk,
        by=coordinator,
        agency_ids=[agency_a.pk, agency_b.pk, agency_c.pk],
        chronology_due=today + timedelta(weeks=4),
        report_due=today + timedelta(weeks=10),
    )
    director_b = _person(board, "Dara Constabulary", agency=agency_b)
    lead_c = _person(board, "Leah Carewell", [Role.AGENCY_LEAD], agency=agency_c)
    author_c = _person(board, "Aled Carewell", agency=agency_c)
    director_c = _person(board, "Dilys Carewell", agency=agency_c)
    teams = {
        "a": (lead_a, author_a, director_a, [DAUGHTER]),
        "b": (lead_b, author_b, director_b, []),
        "c": (lead_c, author_c, director_c, [{**DAUGHTER, "id": "p9", "name": "rosalind  quenby"}]),
    }
    for letter, (lead, author, director, people) in teams.items():
        imr = nominate(commissioned, lead, author, director)
        accept_review(imr, author, director, panel_chair, CHRONOLOGIES[letter], people)
    return Case.objects.get(pk=commissioned.pk)


@pytest.fixture
def started(reviews_accepted, coordinator) -> Overview:
    """The overview report begun by the coordinator (13.1)."""
    return services.overview_start(case_id=reviews_accepted.pk, by=coordinator)


@pytest.fixture
def day():
    return date(2025, 2, 3)


SECTIONS_2009 = (
    ("introduction", "An older woman died after a fall at home."),
    ("facts", "She lived alone; her daughter visited weekly."),
    ("known", "Each agency knew part of the picture."),
    ("analysis", "Information was not shared after the February visit."),
)


def write_overview(overview: Overview, author, sections=SECTIONS_2009) -> None:
    """Sections a, e, g and h (or the `sections` of another type's report), a finding
    citing the shared visit, a recommendation for agency A and one for the board."""
    from overview.models import OverviewEntry

    case_id = overview.case_id
    for key, text in sections:
        services.overview_section_save(
            case_id=case_id, by=author, key=key, text=text, revision=None
        )
    visit = OverviewEntry.objects.filter(overview=overview, date=date(2025, 2, 3)).first()
    services.finding_save(
        case_id=case_id,
        by=author,
        text="The joint visit was not followed up by either agency.",
        term_numbers=[1],
        entry_ids=[visit.pk],
    )
    nhs = overview.case.imrs.order_by("agency__name").first().agency
    services.recommendation_save(
        case_id=case_id,
        by=author,
        text="Agencies share the outcome of joint visits within a week.",
        agency_ids=[nhs.pk],
        term_numbers=[1],
    )
    services.recommendation_save(
        case_id=case_id, by=author, text="The board audits joint visits.", for_board=True
    )


@pytest.fixture
def written(started, overview_author) -> Overview:
    write_overview(started, overview_author)
    return Overview.objects.get(pk=started.pk)


@pytest.fixture
def submitted(written, overview_author) -> Overview:
    services.overview_submit(case_id=written.case_id, by=overview_author)
    return Overview.objects.get(pk=written.pk)


def receive(overview: Overview, coordinator) -> None:
    """Every contributor agrees and steps 14 a to e are recorded."""
    from overview import receipt_services as receipt

    for agency in receipt.contributor_agencies(overview):
        receipt.contributor_response_record(
            case_id=overview.case_id, by=coordinator, agency_id=agency.pk, answer="agreed"
        )
    for key in receipt.NEEDED:
        receipt.receipt_item_record(
            case_id=overview.case_id, by=coordinator, key=key, note=f"Done: {key}."
        )


@pytest.fixture
def received(submitted, coordinator) -> Overview:
    receive(submitted, coordinator)
    return Overview.objects.get(pk=submitted.pk)


CLEAN_SUMMARY = {
    "process": "The board commissioned this review. Three agencies contributed.",
    "key_issues": "A joint visit by two agencies was not followed up.",
    "recommendations": "1. Agencies share the outcome of joint visits within a week.",
}
