"""python manage.py seed_scale: the benchmark dataset, seeded small."""

import io
import re
from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actionplans.models import Evidence, PlanAction
from bench.scale import (
    DOMAIN,
    EVIDENCE_PDF,
    IMRS_PER_CASE,
    SCALE_PASSWORD,
    scale_boards,
    scale_personas,
    stage_counts,
    totp_code,
)
from imr.models import ChronologyEntry, Imr
from overview.models import Overview, OverviewEntry
from scr import access
from scr.accounts.models import Board, User
from scr.cases.models import Case, CaseAssignment, CasePerm, CaseUserObjectPermission
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.deadlines.models import Deadline
from scr.reviewtypes.definition import builtin, parse

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)
SMALL = {"boards": 2, "cases": 30, "entries_scale": 0.02, "today": TODAY}


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


def seed(**options):
    call_command("seed_scale", **{**SMALL, **options}, stdout=io.StringIO())


@pytest.fixture
def seeded(db):
    seed()
    return scale_boards()


def test_every_stage_holds_cases_in_proportion(seeded):
    assert len(seeded) == 2
    for board in seeded:
        counts = Counter(Case.objects.filter(board=board).values_list("stage", flat=True))
        assert counts == {stage.value: n for stage, n in stage_counts(15).items()}
    # The scale data runs the 2009 procedure: every stage of that type holds cases.
    stages = parse(builtin("scr-2009")).stages
    assert set(Case.objects.values_list("stage", flat=True)) == set(stages)
    # At full size the weights show: most referrals end with the chair's decision.
    full = stage_counts(250)
    assert sum(full.values()) == 250
    assert full[Stage.DECLINED] > full[Stage.IMRS_IN_PROGRESS] > full[Stage.WITH_BOARD] >= 1


def test_counts_follow_the_options(seeded):
    reviewed = Case.objects.filter(stage__in=MAIN_ROUTE[MAIN_ROUTE.index(Stage.IMRS_IN_PROGRESS) :])
    assert Imr.objects.count() == IMRS_PER_CASE * reviewed.count()
    assert Board.objects.count() == 2
    assert User.objects.filter(board__in=seeded).count() == 2 * 72
    assert not User.objects.exclude(email__endswith=f"@{DOMAIN}").exists()
    assert PlanAction.objects.count() == 4 * 30
    assert Evidence.objects.exists()
    assert Deadline.objects.filter(status=Deadline.Status.OPEN).count() == 10 * 30
    assert Deadline.objects.filter(status=Deadline.Status.MET).exists()
    # Every review with an author has its chronology; the overviews merged theirs.
    written = Imr.objects.exclude(author=None)
    assert ChronologyEntry.objects.values("imr").distinct().count() == written.count()
    for overview in Overview.objects.all():
        accepted = ChronologyEntry.objects.filter(imr__case=overview.case_id).count()
        assert OverviewEntry.objects.filter(overview=overview).count() == accepted


def test_people_on_a_case_hold_the_permissions_their_role_grants(seeded):
    for assignment in CaseAssignment.objects.select_related("user", "case"):
        granted = set(
            CaseUserObjectPermission.objects.filter(
                user=assignment.user, content_object=assignment.case
            ).values_list("permission__codename", flat=True)
        )
        assert access.CASE_ROLE_PERMS[assignment.role] <= granted
        assert access.CASE_ROLE_PERMS[assignment.role] <= access.case_permissions(
            assignment.user, assignment.case
        )


def test_the_command_says_what_it_made_and_how_long_it_took(db):
    out = io.StringIO()
    call_command("seed_scale", **SMALL, stdout=out)
    text = out.getvalue()
    assert "Seeded in " in text and "benchmark data only" in text
    assert re.search(r"^\s+cases\s+30$", text, re.MULTILINE)
    assert re.search(r"^\s+running clocks\s+300$", text, re.MULTILINE)
    assert f"Every seeded person's password: {SCALE_PASSWORD}" in text


def test_refuses_a_database_with_boards_unless_forced(seeded):
    with pytest.raises(CommandError, match="--force"):
        seed()
    seed(boards=1, cases=5, force=True)
    assert len(scale_boards()) == 3


def test_the_same_seed_gives_the_same_rows(db):
    seed(boards=1)
    seed(boards=1, force=True)
    first, second = scale_boards()

    def shape(board):
        cases = Case.objects.filter(board=board).order_by("year", "number")
        # Each board's code leads its references; the rest is the same.
        assert all(c.reference.startswith(f"{board.code}-SCR-") for c in cases)
        return [
            (
                c.stage,
                c.subject_name,
                c.reference.split("-", 1)[1],
                c.imrs.count(),
                c.deadlines.count(),
            )
            for c in cases
        ]

    assert first.code != second.code
    assert shape(first) == shape(second)
    entries = ChronologyEntry.objects.order_by("imr__case__number", "imr__agency__name", "pk")
    assert [e.event for e in entries.filter(imr__case__board=first)] == [
        e.event for e in entries.filter(imr__case__board=second)
    ]


def test_a_seeded_coordinator_opens_my_cases_and_a_case_page(client, seeded):
    personas = scale_personas()
    coordinator = User.objects.get(pk=personas["users"]["coordinator"]["id"])
    client.force_login(coordinator)
    text = client.get(reverse("cases:case-list")).content.decode()
    assert personas["case"]["reference"] in text
    assert text.count('class="govuk-table__row"') == 16  # header and the board's 15 cases
    response = client.get(reverse("cases:case-detail", args=[personas["case"]["reference"]]))
    assert response.status_code == 200
    assert "IMRs in progress" in response.content.decode()


def test_the_evidence_files_are_stored_and_served(client, seeded):
    evidence = Evidence.objects.select_related("action__plan__case").first()
    plan = evidence.action.plan
    client.force_login(
        User.objects.get(pk=scale_personas(plan.case.board_id)["users"]["coordinator"]["id"])
    )
    response = client.get(
        reverse("actionplans:evidence-download", args=[plan.case.reference, plan.pk, evidence.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == (
        EVIDENCE_PDF
    )


def test_an_author_sees_their_own_draft_and_not_another_agencys(client, seeded):
    personas = scale_personas()
    case = Case.objects.get(reference=personas["case"]["reference"], board=personas["board"]["id"])
    own = Imr.objects.get(case=case, agency_id=personas["imr"]["agency_id"])
    other = Imr.objects.filter(case=case, status="chronology").exclude(pk=own.pk).first()
    other = other or Imr.objects.filter(case=case).exclude(pk=own.pk).first()
    client.force_login(own.author)
    response = client.get(reverse("imr:chronology", args=[case.reference, own.agency_id]))
    assert response.status_code == 200
    assert f"{personas['imr']['entries']} entries" in response.content.decode()
    response = client.get(reverse("imr:chronology", args=[case.reference, other.agency_id]))
    assert response.status_code == 404
    assert CasePerm.VIEW in access.case_permissions(own.author, case)


def test_every_persona_signs_in_with_the_password_and_a_code_and_opens_their_page(client, seeded):
    personas = scale_personas()
    assert personas["password"] == SCALE_PASSWORD
    assert all(personas["users"].values()), personas["users"]
    pages = sorted(personas["pages"], key=lambda page: page["user"])
    signed_in = None
    for page in pages:
        person = personas["users"][page["user"]]
        if person != signed_in:
            # Once per person: a code is accepted once (totp_code gives the next one).
            client.logout()
            response = client.post(
                reverse("accounts:sign-in"),
                {"username": person["email"], "password": SCALE_PASSWORD},
            )
            assert response.status_code == 302, page
            code = totp_code(person["id"])
            assert client.post(reverse("accounts:two-factor"), {"code": code}).status_code == 302
            signed_in = person
        assert client.get(page["path"]).status_code == 200, page
