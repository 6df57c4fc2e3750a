"""The family of the overview report (13.4 e): suggestions of people who are one, the
author's merges and corrections, the outline family tree and its pages."""

import re
from datetime import date
from itertools import combinations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from overview import family, family_services
from overview.family_tree import BOX_W, Box
from overview.models import FamilyMember, FamilyMergeDecision, FamilyReport, Overview
from scr.audit.models import AuditEvent
from scr.cases import services as case_services

pytestmark = pytest.mark.django_db

READERS = ("overview_author", "coordinator", "chair", "panel_chair", "panel_member")
NOT_READERS = ("lead_a", "author_a", "board_member", "outsider", "other_coordinator")


def daughters(overview: Overview) -> tuple[FamilyMember, FamilyMember]:
    """The daughter as Adult Social Care reported her ("rosalind  quenby": the reviews are
    copied in agencies' name order), then as the NHS did ("Rosalind Quenby")."""
    first, second = FamilyMember.objects.filter(overview=overview, is_subject=False).order_by("pk")
    return first, second


def subject(overview: Overview) -> FamilyMember:
    return FamilyMember.objects.get(overview=overview, is_subject=True)


def correct(overview, author, member, **changes) -> FamilyMember:
    values = {
        "name": member.name,
        "relationship": member.relationship,
        "relationship_detail": member.relationship_detail,
        "date_of_birth": member.date_of_birth,
        "date_of_death": member.date_of_death,
        **changes,
    }
    return family_services.family_member_update(
        case_id=overview.case_id, by=author, member_id=member.pk, **values
    )


def add_person(overview, name, relationship, detail="", dob=None, dod=None) -> FamilyMember:
    """A person as one more agency reported them. Written as rows: reporting a large
    family through thirty accepted reviews would test the reviews, not the tree."""
    report = FamilyReport.objects.filter(member__overview=overview).first()
    member = FamilyMember.objects.create(
        overview=overview,
        name=name,
        relationship=relationship,
        relationship_detail=detail,
        date_of_birth=dob,
        date_of_death=dod,
    )
    FamilyReport.objects.create(
        member=member,
        agency=report.agency,
        submission=report.submission,
        data={"name": name, "relationship": relationship, "relationship_detail": detail},
    )
    return member


# Suggestions ------------------------------------------------------------------------------


def test_the_daughter_reported_by_two_agencies_is_suggested_once(started):
    first, second = daughters(started)
    suggestions = family.merge_suggestions(started)
    assert [(s.first, s.second, s.reason) for s in suggestions] == [
        (first, second, "Same name and date of birth")
    ]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Rosalind Quenby", "rosalind  quenby"),
        ("Siobhan O'Connor", "SIOBHAN O’CONNOR"),
        ("Siobhan O'Connor", "Siobhan OConnor"),
        ("Mary-Jane Quenby-Marsh", "Mary Jane Quenby Marsh"),
        ("Zoë Quenby.", " zoe   quenby "),
    ],
)
def test_names_compare_without_case_spacing_punctuation_or_hyphens(one, other):
    assert family.name_key(one) == family.name_key(other)


def test_different_names_stay_different():
    assert family.name_key("Rosalind Quenby") != family.name_key("Rosalind Quenby-Marsh")


def test_same_name_with_one_date_of_birth_missing_is_suggested(started, overview_author):
    first, second = daughters(started)
    correct(started, overview_author, second, date_of_birth=None)
    [suggestion] = family.merge_suggestions(started)
    assert suggestion.reason == "Same name; one date of birth is not recorded"


def test_same_name_with_different_dates_of_birth_is_not_suggested(started, overview_author):
    """A father and son often share a name."""
    first, second = daughters(started)
    correct(started, overview_author, second, date_of_birth=date(1978, 1, 2))
    assert family.merge_suggestions(started) == []


def test_a_shortened_first_name_with_the_same_surname_and_birthday_is_suggested(
    started, overview_author
):
    first, second = daughters(started)
    correct(started, overview_author, second, name="Ros Quenby")
    [suggestion] = family.merge_suggestions(started)
    assert suggestion.reason == "Same date of birth and surname, similar first name"


def test_a_different_first_name_or_surname_is_not_suggested(started, overview_author):
    first, second = daughters(started)
    correct(started, overview_author, second, name="Miriam Quenby")
    assert family.merge_suggestions(started) == []
    correct(started, overview_author, second, name="Rosalind Marsh")
    assert family.merge_suggestions(started) == []


def test_not_the_same_person_is_never_suggested_again_in_either_order(started, overview_author):
    first, second = daughters(started)
    family_services.family_not_same(
        case_id=started.case_id, by=overview_author, first_id=second.pk, second_id=first.pk
    )
    assert family.merge_suggestions(started) == []
    decision = FamilyMergeDecision.objects.get(overview=started)
    assert decision.same_person is False
    assert decision.first == {"name": "Rosalind Quenby", "date_of_birth": "1975-06-14"}
    # Both still there, and a second press records nothing more.
    family_services.family_not_same(
        case_id=started.case_id, by=overview_author, first_id=first.pk, second_id=second.pk
    )
    assert FamilyMergeDecision.objects.filter(overview=started).count() == 1
    assert FamilyMember.objects.filter(overview=started).count() == 3


def test_the_adult_is_never_suggested(started, overview_author):
    adult = subject(started)
    first, second = daughters(started)
    correct(started, overview_author, second, name=adult.name, date_of_birth=adult.date_of_birth)
    for suggestion in family.merge_suggestions(started):
        assert adult not in (suggestion.first, suggestion.second)


# Merging --------------------------------------------------------------------------------


def test_merging_moves_the_reports_fills_the_blanks_and_records_the_decision(
    started, overview_author, agency_a, agency_c
):
    keep, merge = daughters(started)
    correct(started, overview_author, keep, relationship_detail="", date_of_birth=None)
    kept = family_services.family_merge(
        case_id=started.case_id, by=overview_author, keep_id=keep.pk, merge_id=merge.pk
    )
    assert kept.pk == keep.pk
    kept = FamilyMember.objects.get(pk=keep.pk)
    assert kept.date_of_birth == date(1975, 6, 14)
    assert kept.relationship_detail == "Daughter"
    assert kept.name == "rosalind quenby"  # the kept one's own words, as corrected
    assert {r.agency for r in kept.reports.all()} == {agency_a, agency_c}
    assert not FamilyMember.objects.filter(pk=merge.pk).exists()
    decision = FamilyMergeDecision.objects.get(overview=started)
    assert decision.same_person is True and decision.decided_by == overview_author
    assert family.merge_suggestions(started) == []
    event = AuditEvent.objects.filter(detail__contains="merged").get()
    assert "Quenby" not in event.detail


def test_merging_a_member_of_another_overview_is_refused(
    started, overview_author, board, coordinator, referrer
):
    other_case = case_services.case_create(board=board, by=referrer, subject_name="Ivo Elsewhere")
    other = Overview.objects.create(case=other_case, started_by=coordinator)
    stranger = FamilyMember.objects.create(overview=other, name="Rosalind Quenby")
    keep, _ = daughters(started)
    with pytest.raises(ValidationError, match="this overview report's family"):
        family_services.family_merge(
            case_id=started.case_id, by=overview_author, keep_id=keep.pk, merge_id=stranger.pk
        )
    assert FamilyMember.objects.filter(pk=stranger.pk).exists()


def test_merging_a_person_with_themselves_is_refused(started, overview_author):
    keep, _ = daughters(started)
    with pytest.raises(ValidationError, match="two different people"):
        family_services.family_merge(
            case_id=started.case_id, by=overview_author, keep_id=keep.pk, merge_id=keep.pk
        )


def test_the_adult_is_merged_with_nobody_either_way(started, overview_author):
    keep, _ = daughters(started)
    adult = subject(started)
    for first, second in ((keep, adult), (adult, keep)):
        with pytest.raises(ValidationError, match="The adult is not merged with anyone"):
            family_services.family_merge(
                case_id=started.case_id, by=overview_author, keep_id=first.pk, merge_id=second.pk
            )
    assert FamilyMember.objects.filter(pk=adult.pk).exists()
    assert FamilyMember.objects.filter(pk=keep.pk).exists()
    assert FamilyMember.objects.get(pk=adult.pk).reports.count() == 3


def test_only_the_author_merges(
    started, coordinator, chair, panel_chair, panel_member, lead_a, outsider
):
    keep, merge = daughters(started)
    ids = {"case_id": started.case_id, "keep_id": keep.pk, "merge_id": merge.pk}
    for person in (coordinator, chair, panel_chair, panel_member):
        with pytest.raises(PermissionDenied):
            family_services.family_merge(by=person, **ids)
        with pytest.raises(PermissionDenied):
            family_services.family_not_same(
                case_id=started.case_id, by=person, first_id=keep.pk, second_id=merge.pk
            )
    for person in (lead_a, outsider):
        with pytest.raises(Http404):
            family_services.family_merge(by=person, **ids)
    assert FamilyMember.objects.filter(overview=started).count() == 3
    assert not FamilyMergeDecision.objects.exists()


def test_nothing_merges_once_the_report_is_submitted(submitted, overview_author):
    keep, merge = daughters(submitted)
    with pytest.raises(ValidationError, match="cannot change now"):
        family_services.family_merge(
            case_id=submitted.case_id, by=overview_author, keep_id=keep.pk, merge_id=merge.pk
        )
    with pytest.raises(ValidationError, match="cannot change now"):
        correct(submitted, overview_author, keep, name="Ros Quenby")
    assert FamilyMember.objects.filter(overview=submitted).count() == 3


def test_a_correction_needs_a_name_and_dates_in_order(started, overview_author):
    keep, _ = daughters(started)
    with pytest.raises(ValidationError) as refused:
        correct(started, overview_author, keep, name=" ", date_of_death=date(1970, 1, 1))
    assert set(refused.value.message_dict) == {"name", "date_of_death"}
    with pytest.raises(ValidationError, match="relationship"):
        correct(started, overview_author, keep, relationship="cousin")


# The tree -------------------------------------------------------------------------------

# fmt: off
FIRST_NAMES = [
    "Ambrose", "Beatrix", "Cornelius", "Delphine", "Evander", "Florentyna", "Gideon",
    "Henrietta", "Ignatius", "Josephine", "Kasimir", "Leocadia", "Montgomery", "Nerissa",
    "Octavian", "Perpetua", "Quintus", "Rosamund", "Septimus", "Theodora", "Ulysses",
    "Valentina", "Wilhelmina", "Xanthe", "Yevgeny",
]
# fmt: on


@pytest.fixture
def big_family(started) -> Overview:
    """25 more people of every relationship, so 28 with the adult and the daughters."""
    plan = (
        [("mother", ""), ("father", ""), ("partner", "Husband")]
        + [("household", "Brother"), ("household", "Half-sister"), ("significant", "Sister")]
        + [("child", "Son")] * 8
        + [("household", "Granddaughter"), ("child", "Grandson"), ("significant", "Grandchild")]
        + [("household", "Lodger, friend of Rosalind")] * 5
        + [("significant", "Neighbour"), ("significant", ""), ("household", "Brother-in-law")]
    )
    assert len(plan) == len(FIRST_NAMES) == 25
    for index, (first, (relationship, detail)) in enumerate(zip(FIRST_NAMES, plan, strict=True)):
        born = date(1920 + index * 3, 1 + index % 12, 1 + index)
        add_person(started, f"{first} Vandermeer", relationship, detail, dob=born)
    return started


def _boxes(tree) -> dict[int, Box]:
    return {box.member_id: box for box in tree.boxes}


def test_the_tree_puts_each_generation_on_its_own_row(big_family):
    tree = family.family_tree(big_family, names=True)
    members = {m.name.split()[0]: m for m in FamilyMember.objects.filter(overview=big_family)}
    boxes = _boxes(tree)

    def row(first_name):
        return boxes[members[first_name].pk].y

    adult = boxes[subject(big_family).pk]
    assert row("Ambrose") == row("Beatrix") < adult.y  # parents above
    # The partner, the brother and the sisters on the adult's row.
    assert row("Cornelius") == row("Delphine") == row("Evander") == row("Florentyna") == adult.y
    assert row("Rosalind") > adult.y and row("Gideon") == row("Rosalind")  # children
    assert row("Octavian") == row("Perpetua") == row("Quintus") > row("Gideon")  # grandchildren
    # The brother-in-law, lodgers and the neighbour are beside, in the labelled group.
    [group] = tree.groups
    assert "household" in " ".join(group.label)
    for first_name in ("Rosamund", "Xanthe", "Yevgeny"):
        box = boxes[members[first_name].pk]
        assert group.x <= box.x and box.right <= group.x + group.width


def _overlap(a, b) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def _crosses(line, box) -> bool:
    """Whether a line runs through the inside of a box (touching its edge is fine)."""
    left, right = sorted((line.x1, line.x2))
    top, bottom = sorted((line.y1, line.y2))
    if left == right:
        return box.x < left < box.right and max(top, box.y) < min(bottom, box.bottom)
    return box.y < top < box.bottom and max(left, box.x) < min(right, box.right)


def test_twenty_five_people_never_overlap(big_family):
    tree = family.family_tree(big_family, names=True)
    assert len(tree.boxes) == 28
    for a, b in combinations(tree.boxes, 2):
        assert not _overlap(a, b), (a.lines, b.lines)
    for box in tree.boxes:
        assert box.x >= 0 and box.right <= tree.width and box.y >= 0 and box.bottom <= tree.height
        for line in tree.lines:
            assert not _crosses(line, box), (line, box.lines)
    [group] = tree.groups
    inside = {b.member_id for b in tree.boxes if group.x <= b.x < group.x + group.width}
    for box in tree.boxes:
        if box.member_id not in inside:
            assert box.right <= group.x
    # The widest row (eight sons and the daughter, reported twice) sets the width.
    assert tree.width >= 10 * BOX_W + group.width


def test_two_partners_stand_either_side_of_the_adult(started):
    first = add_person(started, "Ambrose Vandermeer", "partner", "Husband")
    second = add_person(started, "Beatrix Vandermeer", "partner", "Partner")
    tree = family.family_tree(started, names=True)
    boxes = _boxes(tree)
    adult = boxes[subject(started).pk]
    assert boxes[second.pk].right < adult.x < adult.right < boxes[first.pk].x
    assert boxes[first.pk].y == boxes[second.pk].y == adult.y
    for box in tree.boxes:
        for line in tree.lines:
            assert not _crosses(line, box)


def test_an_empty_family_draws_only_the_adult(started):
    FamilyMember.objects.filter(overview=started, is_subject=False).delete()
    tree = family.family_tree(started, names=True)
    [box] = tree.boxes
    assert box.is_subject and tree.lines == [] and tree.groups == []
    assert "no other people reported" in tree.description


def test_the_adult_is_highlighted_by_border_and_words(started):
    tree = family.family_tree(started, names=True)
    adult = _boxes(tree)[subject(started).pk]
    assert adult.stroke_width > max(b.stroke_width for b in tree.boxes if b is not adult)
    assert ("The adult", True) in adult.lines
    svg = render_to_string("overview/_family_tree.svg.html", {"tree": tree})
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert 'stroke-width="4"' in svg and ">The adult<" in svg
    assert "Hypatia Quenby-Marsh" in svg and "Rosalind Quenby" in svg
    assert ">NHS<" in svg and ">Adult Social Care<" in svg  # the daughters, each once
    assert ">3 agencies<" in svg  # the adult: too many to name in the box


def test_without_names_the_tree_holds_no_name_anywhere(big_family):
    tree = family.family_tree(big_family, names=False)
    svg = render_to_string("overview/_family_tree.svg.html", {"tree": tree}).casefold()
    words = set()
    for member in FamilyMember.objects.filter(overview=big_family).prefetch_related("reports"):
        words |= set(re.findall(r"[^\W\d_]{3,}", member.name))
        for report in member.reports.all():
            words |= set(re.findall(r"[^\W\d_]{3,}", report.data.get("name", "")))
    assert {"Hypatia", "Quenby", "Marsh", "Rosalind", "Vandermeer"} <= words
    for word in words:
        assert not re.search(rf"\b{word.casefold()}\b", svg), word
    assert ">hqm<" in svg and ">rq<" in svg  # initials instead
    assert "lodger, friend of r." in svg


# Pages ----------------------------------------------------------------------------------


def url(overview, name, *extra) -> str:
    return reverse(name, args=[overview.case.reference, *extra])


@pytest.mark.parametrize("persona", READERS)
def test_readers_of_the_report_see_the_family_with_names(client, started, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url(started, "overview:family"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page and "Rosalind Quenby" in page
    assert "People in the family tree" in page  # the text alternative
    assert ("Same person" in page) == (persona == "overview_author")


@pytest.mark.parametrize("persona", NOT_READERS)
def test_others_never_find_the_family(client, started, persona, request):
    client.force_login(request.getfixturevalue(persona))
    keep, merge = daughters(started)
    assert client.get(url(started, "overview:family")).status_code == 404
    assert client.get(url(started, "overview:family-member-edit", keep.pk)).status_code == 404
    data = {"keep_id": keep.pk, "merge_id": merge.pk}
    assert client.post(url(started, "overview:family-merge"), data).status_code == 404
    assert FamilyMember.objects.filter(overview=started).count() == 3


@pytest.mark.parametrize("persona", [p for p in READERS if p != "overview_author"])
def test_a_reader_cannot_answer_a_suggestion(client, started, persona, request):
    client.force_login(request.getfixturevalue(persona))
    keep, merge = daughters(started)
    merging = client.post(
        url(started, "overview:family-merge"), {"keep_id": keep.pk, "merge_id": merge.pk}
    )
    assert merging.status_code == 403
    refusing = client.post(
        url(started, "overview:family-not-same"), {"first_id": keep.pk, "second_id": merge.pk}
    )
    assert refusing.status_code == 403
    assert client.get(url(started, "overview:family-member-edit", keep.pk)).status_code == 403
    assert FamilyMember.objects.filter(overview=started).count() == 3
    assert not FamilyMergeDecision.objects.exists()


def test_the_author_answers_suggestions_on_the_page(client, started, overview_author):
    client.force_login(overview_author)
    keep, merge = daughters(started)
    response = client.post(
        url(started, "overview:family-merge"), {"keep_id": keep.pk, "merge_id": merge.pk}
    )
    assert response.status_code == 302 and response.url == url(started, "overview:family")
    assert not FamilyMember.objects.filter(pk=merge.pk).exists()
    page = client.get(response.url).content.decode()
    assert "now one" in page and "Same person" not in page


def test_a_refused_merge_is_explained_on_the_page(client, started, overview_author):
    client.force_login(overview_author)
    adult = subject(started)
    keep, _ = daughters(started)
    response = client.post(
        url(started, "overview:family-merge"),
        {"keep_id": keep.pk, "merge_id": adult.pk},
        follow=True,
    )
    assert "The adult is not merged with anyone" in response.content.decode()
    response = client.post(url(started, "overview:family-merge"), {"keep_id": "x"}, follow=True)
    assert "Choose the two people" in response.content.decode()


def test_the_page_shows_what_each_agency_reported_when_they_differ(
    client, started, overview_author
):
    first, second = daughters(started)
    report = second.reports.get()
    report.data = {**report.data, "address": "9 Elm Row, Testford TF3 1AA"}
    report.save(update_fields=["data"])
    family_services.family_merge(
        case_id=started.case_id, by=overview_author, keep_id=first.pk, merge_id=second.pk
    )
    client.force_login(overview_author)
    page = client.get(url(started, "overview:family")).content.decode()
    assert "Where the agencies' accounts differ" in page
    assert "Testshire Adult Social Care: 4 Larch Close" in page
    assert "Testshire NHS Trust: 9 Elm Row" in page


def test_the_family_page_queries_do_not_grow_with_the_family(client, started, overview_author):
    client.force_login(overview_author)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(started, "overview:family")).status_code == 200
    for index in range(10):
        add_person(
            started, f"{FIRST_NAMES[index]} Vandermeer", "child", dob=date(1980, 1, 1 + index)
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(started, "overview:family")).status_code == 200
    assert len(many) == len(few)


# The correction form -----------------------------------------------------------------------


def test_the_form_opens_with_dates_as_people_type_them(client, started, overview_author):
    client.force_login(overview_author)
    _, keep = daughters(started)
    page = client.get(url(started, "overview:family-member-edit", keep.pk)).content.decode()
    assert 'value="14/06/1975"' in page and 'value="Rosalind Quenby"' in page


def test_the_adult_has_no_relationship_to_choose(client, started, overview_author):
    client.force_login(overview_author)
    page = client.get(url(started, "overview:family-member-edit", subject(started).pk))
    assert page.status_code == 200 and 'name="relationship"' not in page.content.decode()


FORM = {
    "name": "Ros Quenby",
    "relationship": "child",
    "relationship_detail": "Daughter",
    "date_of_birth": "14/06/1975",
    "date_of_death": "",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the name"),
        ({"date_of_birth": "31/02/1975"}, "Enter the date of birth as a real date"),
        ({"date_of_death": "01/01/1970"}, "The date of death must be after the date of birth"),
    ],
)
def test_a_bad_correction_keeps_what_was_typed(client, started, overview_author, changes, message):
    client.force_login(overview_author)
    keep, _ = daughters(started)
    response = client.post(url(started, "overview:family-member-edit", keep.pk), FORM | changes)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    for value in (FORM | changes).values():
        if value and value != "child":
            assert f'value="{value}"' in page
    assert FamilyMember.objects.get(pk=keep.pk).name == keep.name


def test_a_correction_is_saved_and_shown(client, started, overview_author):
    client.force_login(overview_author)
    keep, _ = daughters(started)
    response = client.post(
        url(started, "overview:family-member-edit", keep.pk),
        FORM | {"date_of_death": "02/03/2024"},
    )
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.name == "Ros Quenby" and keep.date_of_death == date(2024, 3, 2)
    tree = family.family_tree(started, names=True)
    assert ("Born 1975, died 2024", False) in _boxes(tree)[keep.pk].lines


def test_once_submitted_the_family_page_offers_no_changes(client, submitted, overview_author):
    client.force_login(overview_author)
    keep, _ = daughters(submitted)
    page = client.get(url(submitted, "overview:family")).content.decode()
    assert "Same person" not in page and "Merge two people" not in page
    assert url(submitted, "overview:family-member-edit", keep.pk) not in page
    response = client.post(url(submitted, "overview:family-member-edit", keep.pk), FORM)
    assert response.status_code == 400 and "cannot change" in response.content.decode()
    assert FamilyMember.objects.get(pk=keep.pk).name == keep.name
