"""A case whose review is commissioned, and agency A's IMR at each of its steps.

Built through the services, as a coordinator, a lead, an author, a director and the
panel would build it."""

from datetime import date, timedelta

import pytest

from imr import draft_services, services
from imr.demo import write_section
from imr.entry_parsing import parse_date
from imr.models import Imr, Part, Section
from scr.cases.models import Case
from scr.deadlines import calendar
from tests import scenarios


@pytest.fixture
def commissioned(case, panel_chair, chair):
    """The case with a review commissioned and two terms of reference."""
    recommended = scenarios.panel_recommended(case, panel_chair=panel_chair)
    return scenarios.review_commissioned(recommended, chair=chair)


@pytest.fixture
def dates():
    today = calendar.today()
    return today + timedelta(weeks=4), today + timedelta(weeks=10)


@pytest.fixture
def asked(commissioned, coordinator, agency_a, agency_b, dates):
    """Agencies A and B asked for management reviews (10)."""
    services.imr_commission(
        case_id=commissioned.pk,
        by=coordinator,
        agency_ids=[agency_a.pk, agency_b.pk],
        chronology_due=dates[0],
        report_due=dates[1],
    )
    return Case.objects.get(pk=commissioned.pk)


def nominate(case, lead, author, director):
    return services.imr_nominate(
        case_id=case.pk,
        agency_id=author.agency_id,
        by=lead,
        author=author,
        author_designation="Named Nurse for Safeguarding Adults",
        author_suitability="Fifteen years in adult safeguarding; reviews practice.",
        author_independent=True,
        director=director,
        director_designation="Director of Nursing",
    )


@pytest.fixture
def imr_a(asked, lead_a, author_a, director_a) -> Imr:
    """Agency A's IMR with its author and director nominated."""
    return nominate(asked, lead_a, author_a, director_a)


def entry(day: str, event: str, **extra) -> draft_services.EntryValues:
    values = {
        "date": parse_date(day),
        "time": None,
        "source": "Case notes",
        "subject": "HQM",
        "event": event,
        "expected_practice": "",
        "term_numbers": [1],
    }
    values.update(extra)
    return draft_services.EntryValues(**values)


def write_chronology(imr: Imr, author) -> None:
    """Section 2 confirmed and a chronology without long gaps."""
    key = {"case_id": imr.case_id, "agency_id": imr.agency_id, "by": author}
    write_section(
        **key,
        section=Section.FAMILY,
        content={
            "subject": {
                "name": "Hypatia Quenby-Marsh",
                "dob": "",
                "dod": "",
                "address": "",
                "ethnicity": "White British",
            },
            "people": [],
            "other_addresses": "",
        },
    )
    for day, event in (
        ("03/02/25", "SW1 visited at home; HQM said she felt safe."),
        ("14/03/25", "GP1 reviewed medication; no concerns recorded."),
        ("02/04/25", "SW1 closed the case after a review."),
    ):
        draft_services.chronology_entry_save(**key, values=entry(day, event))
    draft_services.glossary_entry_save(
        **key, kind="worker", code="SW1", meaning="Social worker", worker_name="Bertram Oakes"
    )
    draft_services.glossary_entry_save(
        **key, kind="worker", code="GP1", meaning="General practitioner"
    )


def write_report(imr: Imr, author) -> None:
    """Sections 1, 4, 5 and 6 and the rapid appraisal, complete."""
    from imr import template

    key = {"case_id": imr.case_id, "agency_id": imr.agency_id, "by": author}
    services.imr_appraisal_record(**key, needed=False)
    write_section(
        **key,
        section=Section.INTRODUCTION,
        content={"sources": ["gp_notes"], "other_sources": "", "notes": ""},
    )
    write_section(
        **key,
        section=Section.ANALYSIS,
        content={
            p.key: {"text": "The assessment was timely.", "terms": [1]}
            for p in template.ANALYSIS_PROMPTS
        },
    )
    write_section(
        **key,
        section=Section.LESSONS,
        content={p.key: "Supervision should test closures." for p in template.LESSON_PROMPTS},
    )
    due = (date.today() + timedelta(days=120)).isoformat()
    write_section(
        **key,
        section=Section.ACTION_PLAN,
        content={
            "lead": {
                "name": "Dora Director",
                "position": "Director of Nursing",
                "phone": "",
                "email": "dora.director@example.org",
                "address": "",
            },
            "named": {},
            "recommendations": [
                {
                    "id": "r1",
                    "text": "Closures are reviewed in supervision.",
                    "actions": [
                        {
                            "text": "Audit closures quarterly.",
                            "evidence": "Audit reports",
                            "outcome": "No unsafe closures.",
                            "date": due,
                        }
                    ],
                }
            ],
        },
    )


@pytest.fixture
def chronology_signed(imr_a, author_a, director_a) -> Imr:
    write_chronology(imr_a, author_a)
    services.imr_submit(
        case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, part=Part.CHRONOLOGY
    )
    services.imr_countersign(case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=director_a)
    return Imr.objects.get(pk=imr_a.pk)


@pytest.fixture
def with_panel(chronology_signed, author_a, director_a) -> Imr:
    """The full report countersigned and waiting for the panel."""
    imr = chronology_signed
    write_report(imr, author_a)
    services.imr_submit(case_id=imr.case_id, agency_id=imr.agency_id, by=author_a, part=Part.REPORT)
    services.imr_countersign(case_id=imr.case_id, agency_id=imr.agency_id, by=director_a)
    return Imr.objects.get(pk=imr.pk)
