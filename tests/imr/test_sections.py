"""The sections of an IMR, each defined once (imr/sections.py): the definitions agree with
Appendix C and with themselves, the service stores a form's cleaned data as the definition
says, and the pages save what they always saved."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from imr import draft_services, sections, template
from imr.forms import RevisionForm
from imr.models import ImrRevision, Section
from scr.drafting import Conflict

pytestmark = pytest.mark.django_db

DUE = (date.today() + timedelta(days=90)).isoformat()

# A well-formed saved section of each kind, as the pages store it.
SAVED = {
    Section.INTRODUCTION: {"sources": ["gp_notes"], "other_sources": "SW1", "notes": "Read."},
    Section.FAMILY: {
        "subject": {
            "name": "Hypatia Quenby-Marsh",
            "dob": "1941-03-12",
            "dod": "",
            "address": "12 Quarry Lane",
            "ethnicity": "White British",
        },
        "people": [
            {
                "id": "p1",
                "relationship": "child",
                "relationship_detail": "Son",
                "name": "Ptolemy Quenby",
                "dob": "1970-05-06",
                "address": "",
                "ethnicity": "",
            }
        ],
        "other_addresses": "3 Mill Brow",
    },
    Section.ANALYSIS: {
        p.key: {"text": f"Answer {p.ref}.", "terms": [1, 2]} for p in template.ANALYSIS_PROMPTS
    },
    Section.LESSONS: {p.key: f"Lesson {p.ref}." for p in template.LESSON_PROMPTS},
    Section.ACTION_PLAN: {
        "lead": {
            "name": "Dora Director",
            "position": "Director of Nursing",
            "phone": "",
            "email": "dora.director@example.org",
            "address": "",
        },
        "named": {"name": "", "position": "", "phone": "", "email": "", "address": ""},
        "recommendations": [
            {
                "id": "r1",
                "text": "Closures are reviewed in supervision.",
                "actions": [
                    {
                        "text": "Audit closures.",
                        "evidence": "Audit reports",
                        "outcome": "No unsafe closures.",
                        "date": DUE,
                    }
                ],
            }
        ],
    },
}


def _ids(imr, author):
    return {"case_id": imr.case_id, "agency_id": imr.agency_id, "by": author}


def test_every_section_of_appendix_c_has_one_definition_in_its_order():
    assert [d.key for d in sections.SECTIONS] == list(Section)
    assert [d.title for d in sections.SECTIONS] == list(Section.labels)
    assert all(d.paragraph for d in sections.SECTIONS)
    assert [d.key for d in sections.WRITTEN] == [k for k in Section if k != Section.CHRONOLOGY]
    assert all(issubclass(d.form, RevisionForm) for d in sections.SECTIONS)
    assert sections.carried_by("chronology") == (sections.FAMILY,)
    assert sections.carried_by("report") == sections.WRITTEN


@pytest.mark.parametrize("key", list(SAVED))
def test_a_saved_section_opened_in_its_form_and_saved_again_is_unchanged(key):
    """The two directions of a definition agree: what its form opens with (`initial`)
    is stored back (`store`) as it was, the items of its list too."""
    definition = sections.definition(key)
    saved = SAVED[key]
    assert definition.store(saved, definition.initial(saved)) == saved
    if definition.items:
        for item in saved[definition.items.name]:
            stored = definition.items.store(definition.items.initial(item))
            assert {"id": item["id"], **stored} == item


def test_the_service_stores_a_forms_cleaned_data_as_the_definition_says(imr_a, author_a):
    """Section 2's adult: dates as ISO dates, text trimmed, the people kept."""
    ids = _ids(imr_a, author_a)
    draft_services.imr_section_item_save(
        **ids, section=Section.FAMILY, data={"relationship": "child", "name": " Ptolemy "}
    )
    cleaned = {
        "revision": 1,
        "name": " Hypatia Quenby-Marsh ",
        "dob": date(1941, 3, 12),
        "dod": None,
        "address": "12 Quarry Lane",
        "ethnicity": "White British",
        "other_addresses": "",
    }
    section = draft_services.imr_section_update(
        **ids, section=Section.FAMILY, data=cleaned, revision=1
    )
    assert section.data["subject"] == {
        "name": "Hypatia Quenby-Marsh",
        "dob": "1941-03-12",
        "dod": "",
        "address": "12 Quarry Lane",
        "ethnicity": "White British",
    }
    assert [p["name"] for p in section.data["people"]] == ["Ptolemy"]
    assert section.revision == 2


def test_a_field_the_form_does_not_have_or_the_chronology_is_refused(imr_a, author_a):
    ids = _ids(imr_a, author_a)
    with pytest.raises(ValueError, match="no field summary"):
        draft_services.imr_section_update(
            **ids, section=Section.LESSONS, data={"summary": "x"}, revision=None
        )
    with pytest.raises(ValueError, match="one by one"):
        draft_services.imr_section_update(**ids, section=Section.CHRONOLOGY, data={}, revision=None)
    with pytest.raises(ValueError, match="no list"):
        draft_services.imr_section_item_save(**ids, section=Section.LESSONS, data={})
    assert not imr_a.sections.exists()


def test_an_item_is_added_last_changed_in_place_and_removed(imr_a, author_a):
    ids, key = _ids(imr_a, author_a), Section.ACTION_PLAN
    first = draft_services.imr_section_item_save(**ids, section=key, data={"text": "One."})
    draft_services.imr_section_item_save(
        **ids, section=key, data={"text": "Two.", "action_1_text": " Act. "}, revision=99
    )  # a new item is checked against nobody
    assert len(first["id"]) == 12
    row = imr_a.sections.get(key=key)
    assert [r["text"] for r in row.data["recommendations"]] == ["One.", "Two."]
    assert row.data["recommendations"][1]["actions"] == [
        {"text": "Act.", "evidence": "", "outcome": "", "date": ""}
    ]
    with pytest.raises(Conflict):
        draft_services.imr_section_item_save(
            **ids, section=key, data={"text": "Stale."}, item_id=first["id"], revision=1
        )
    draft_services.imr_section_item_save(
        **ids, section=key, data={"text": "One, changed."}, item_id=first["id"], revision=2
    )
    with pytest.raises(Conflict):
        draft_services.imr_section_item_remove(**ids, section=key, item_id=first["id"], revision=2)
    draft_services.imr_section_item_remove(**ids, section=key, item_id=first["id"], revision=3)
    row.refresh_from_db()
    assert [r["text"] for r in row.data["recommendations"]] == ["Two."]
    assert row.revision == 4
    assert imr_a.revisions.filter(section=key, action=ImrRevision.Action.SAVED).count() == 4


def _url(imr, name, *extra):
    return reverse(name, args=[imr.case.reference, imr.agency_id, *extra])


def test_the_pages_save_each_section_and_item_as_before(client, imr_a, author_a):
    client.force_login(author_a)
    page = _url(imr_a, "imr:section-edit", "family")
    assert client.get(page).context["form"].initial["name"] == imr_a.case.subject_name
    response = client.post(
        page,
        {
            "revision": "0",
            "name": "Hypatia Quenby-Marsh ",
            "dob": "12/03/1941",
            "address": "12 Quarry Lane",
            "ethnicity": "White British",
            "other_addresses": "3 Mill Brow",
        },
    )
    assert response.status_code == 302
    person = {
        "revision": "1",
        "relationship": "child",
        "relationship_detail": "Son",
        "name": "Ptolemy Quenby",
        "dob": "06/05/1970",
    }
    assert client.post(_url(imr_a, "imr:person-new"), person).status_code == 302
    family = imr_a.sections.get(key="family").data
    person_id = family["people"][0]["id"]
    changed = client.post(
        _url(imr_a, "imr:person-edit", person_id), {**person, "revision": "2", "ethnicity": "X"}
    )
    assert changed.status_code == 302
    family = imr_a.sections.get(key="family").data
    assert family == {
        "subject": {
            "name": "Hypatia Quenby-Marsh",
            "dob": "1941-03-12",
            "dod": "",
            "address": "12 Quarry Lane",
            "ethnicity": "White British",
        },
        "people": [
            {
                "id": person_id,
                "relationship": "child",
                "relationship_detail": "Son",
                "name": "Ptolemy Quenby",
                "dob": "1970-05-06",
                "address": "",
                "ethnicity": "X",
            }
        ],
        "other_addresses": "3 Mill Brow",
    }
    form = client.get(_url(imr_a, "imr:person-edit", person_id)).context["form"]
    assert form.initial["dob"] == date(1970, 5, 6)
    stale = client.post(_url(imr_a, "imr:person-edit", person_id), {"remove": "1", "revision": "2"})
    assert stale.status_code == 302  # refused: back to the page, with the reason
    assert len(imr_a.sections.get(key="family").data["people"]) == 1
    client.post(_url(imr_a, "imr:person-edit", person_id), {"remove": "1", "revision": "3"})
    assert imr_a.sections.get(key="family").data["people"] == []
    assert client.get(_url(imr_a, "imr:person-edit", person_id)).status_code == 404


def test_the_analysis_page_stores_every_answer_with_its_terms(client, imr_a, author_a):
    client.force_login(author_a)
    posted = {"revision": "0"}
    for prompt in template.ANALYSIS_PROMPTS:
        posted[prompt.key] = f" {prompt.ref} "
    posted["summary_terms"] = ["1", "2"]
    assert client.post(_url(imr_a, "imr:section-edit", "analysis"), posted).status_code == 302
    data = imr_a.sections.get(key="analysis").data
    assert data == {
        p.key: {"text": p.ref, "terms": [1, 2] if p.key == "summary" else []}
        for p in template.ANALYSIS_PROMPTS
    }
    form = client.get(_url(imr_a, "imr:section-edit", "analysis")).context["form"]
    assert form.initial["summary_terms"] == ["1", "2"]
