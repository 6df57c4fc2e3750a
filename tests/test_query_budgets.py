"""Query budgets at scale (issue 9): each page of the load test costs a fixed number of
queries, the same over five times the rows; permission checks on lists are one query
per list; the deadline sweep costs a fixed number of queries per batch.

Two worlds are seeded once for the module with bench.scale (one board each: 28
cases, then 140 cases with chronologies five times as long, five times the actions and
clocks) and flushed after it, as demo_seeded is. Each page is loaded by the same
persona of each world (scale_personas: the people the benchmark signs in as).

The pages' own tests on factory data stay where they are and say more about each page:
tests/cases/test_views.py (My cases, the case page), tests/deadlines/test_views.py,
tests/imr/test_pages.py (the chronology, 10 or 250 entries), tests/overview/
test_chronology.py, tests/actionplans/test_monitoring.py, tests/security/
test_guardian.py (object permissions in My cases) and tests/deadlines/test_sweep.py.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.scale import scale_personas, seed_scale
from imr.models import ChronologyEntry
from overview.models import OverviewEntry
from referrals.models import Referral
from scr import access
from scr.accounts.models import User
from scr.cases.models import Case
from scr.deadlines import calendar, reminders
from scr.deadlines.models import Deadline, Reminder

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("query-budgets")]

SMALL = {"boards": 1, "cases": 28, "entries_scale": 0.03}
LARGE = {"boards": 1, "cases": 140, "entries_scale": 0.15}


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        override_settings(PRIVATE_FILES_ROOT=tmp_path_factory.mktemp("private")),
        django_db_blocker.unblock(),
    ):
        small = seed_scale(**SMALL, seed=9, force=True)
        large = seed_scale(**LARGE, seed=9, force=True)
        yield {
            "small": scale_personas(small.boards[0]),
            "large": scale_personas(large.boards[0]),
        }
        call_command("flush", interactive=False, verbosity=0)


def person(world, role) -> User:
    return User.objects.get(pk=world["users"][role]["id"])


def in_monitoring(world) -> str:
    case = Case.objects.filter(board_id=world["board"]["id"], stage="monitoring").first()
    return reverse("cases:case-detail", args=[case.reference])


def queries(client, user, path) -> int:
    client.force_login(user)
    client.get(path)  # the session's first request does its own bookkeeping
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_the_large_world_has_five_times_the_rows(worlds):
    def rows(world):
        board = world["board"]["id"]
        return (
            Case.objects.filter(board=board).count(),
            ChronologyEntry.objects.filter(imr__case__board=board).count(),
            OverviewEntry.objects.filter(overview__case__board=board).count(),
            Deadline.objects.filter(case__board=board, status__in=Deadline.LIVE).count(),
        )

    small, large = rows(worlds["small"]), rows(worlds["large"])
    assert all(big >= 4 * few for few, big in zip(small, large, strict=True)), (small, large)
    assert worlds["large"]["imr"]["entries"] == 5 * worlds["small"]["imr"]["entries"]


# (page, who loads it, its address in a world, its budget)
PAGES = [
    ("My cases", "coordinator", lambda w: reverse("cases:case-list"), 7),
    ("My cases", "agency_lead", lambda w: reverse("cases:case-list"), 8),
    ("My cases", "panel_member", lambda w: reverse("cases:case-list"), 8),
    ("My cases", "referrer", lambda w: reverse("cases:case-list"), 8),
    (
        "Case page",
        "coordinator",
        lambda w: reverse("cases:case-detail", args=[w["case"]["reference"]]),
        36,
    ),
    (
        "Case page",
        "agency_lead",
        lambda w: reverse("cases:case-detail", args=[w["case"]["reference"]]),
        39,
    ),
    (
        "Case page",
        "imr_author",
        lambda w: reverse("cases:case-detail", args=[w["case"]["reference"]]),
        36,
    ),
    ("Case page, action plans", "coordinator", in_monitoring, 37),
    ("My deadlines", "coordinator", lambda w: reverse("deadlines:my-deadlines"), 7),
    ("My deadlines", "imr_author", lambda w: reverse("deadlines:my-deadlines"), 7),
    ("My deadlines", "agency_lead", lambda w: reverse("deadlines:my-deadlines"), 7),
    (
        "IMR chronology editor",
        "imr_author",
        lambda w: reverse("imr:chronology", args=[w["imr"]["case"], w["imr"]["agency_id"]]),
        22,
    ),
    (
        "IMR chronology editor",
        "agency_lead",
        lambda w: reverse("imr:chronology", args=[w["imr"]["case"], w["imr"]["agency_id"]]),
        25,
    ),
    (
        "Merged chronology",
        "overview_author",
        lambda w: reverse("overview:chronology", args=[w["overview"]["case"]]),
        17,
    ),
    (
        "Merged chronology",
        "coordinator",
        lambda w: reverse("overview:chronology", args=[w["overview"]["case"]]),
        17,
    ),
    ("Monitoring dashboard", "coordinator", lambda w: reverse("actionplans:monitoring"), 13),
    ("Monitoring dashboard", "board_chair", lambda w: reverse("actionplans:monitoring"), 13),
]


@pytest.mark.parametrize(
    ("page", "who", "address", "budget"), PAGES, ids=[f"{p} as {w}" for p, w, _, _ in PAGES]
)
def test_a_page_costs_the_same_queries_over_five_times_the_rows(
    client, worlds, django_assert_max_num_queries, page, who, address, budget
):
    small = queries(client, person(worlds["small"], who), address(worlds["small"]))
    assert small <= budget, f"{page}: {small} queries, over its budget of {budget}"
    large_person, large_address = person(worlds["large"], who), address(worlds["large"])
    client.force_login(large_person)
    client.get(large_address)
    with django_assert_max_num_queries(small):
        assert client.get(large_address).status_code == 200


def test_permission_checks_on_lists_are_one_query_per_list(
    worlds, django_assert_num_queries, django_assert_max_num_queries
):
    world = worlds["large"]
    # Object permissions (panel member), the agency's cases (lead), the board's (chair).
    for role in ("panel_member", "agency_lead", "board_chair", "referrer"):
        user = person(world, role)
        assert user.board_roles is not None  # read once per request, before any list
        with django_assert_num_queries(1):
            cases = list(access.cases_visible_to(user))
        assert cases, role
        with django_assert_num_queries(1):
            list(access.deadlines_visible_to(user))
        with django_assert_max_num_queries(2):
            perms = access.permissions_for_cases(user, cases)
        assert all(perms[case.pk] & access.SEE for case in cases)


def test_waiting_referrals_on_the_home_page_cost_no_query_each(
    client, worlds, django_assert_max_num_queries
):
    """The lead's 'Endorse or return a referral' items read each referral's agency with
    the list, not one query per referral."""
    world = worlds["large"]
    lead = person(world, "agency_lead")

    def wait(count):
        Referral.objects.bulk_create(
            Referral(
                board_id=world["board"]["id"],
                referrer=User.objects.filter(agency=lead.agency).exclude(pk=lead.pk).first(),
                agency=lead.agency,
                status=Referral.Status.SUBMITTED,
                subject_name="Ottoline Quarmby",
            )
            for _ in range(count)
        )

    wait(1)
    few = queries(client, lead, reverse("cases:home"))
    wait(9)
    with django_assert_max_num_queries(few):
        text = client.get(reverse("cases:home")).content.decode()
    assert text.count("Endorse or return a referral") >= 10


def _sweep_queries(case, owner, clocks: int, on: date) -> tuple[int, int]:
    """(queries, reminders) of a sweep at `on` over `clocks` clocks, each owed one
    reminder (7 days before its date: the owner alone)."""
    Deadline.objects.filter(subject__startswith="budget:").delete()
    Reminder.objects.all().delete()
    due = on + timedelta(days=7)
    Deadline.objects.bulk_create(
        Deadline(
            case=case,
            kind=Deadline.Kind.IMR_REPORT,
            subject=f"budget:{n}",
            owner=owner,
            start=on,
            due=due,
            original_due=due,
            next_reminder_on=on,
        )
        for n in range(clocks)
    )
    with CaptureQueriesContext(connection) as captured:
        result = reminders.deadline_sweep(at=datetime.combine(on, time(9), calendar.LONDON))
    return len(captured), len(result.reminders)


def test_the_sweep_costs_fixed_queries_per_batch(worlds, monkeypatch):
    world = worlds["small"]
    case = Case.objects.get(pk=world["case"]["id"])
    owner = person(world, "imr_author")
    # A day long past: none of the seeded clocks is owed anything on it.
    on = date(2020, 3, 2)
    monkeypatch.setattr(reminders, "BATCH", 50)
    q200, sent200 = _sweep_queries(case, owner, 200, on)
    q1000, sent1000 = _sweep_queries(case, owner, 1000, on)
    assert (sent200, sent1000) == (200, 1000)
    # Each batch of 50 clocks: read them, read the board's people, insert the reminders,
    # set the next reminder dates. 16 more batches: 64 more. (The rows are marked queued
    # after commit, once the broker has their tasks: scr.outbox.services.publish.)
    assert q1000 - q200 == (1000 - 200) // 50 * 4
    monkeypatch.setattr(reminders, "BATCH", 1000)
    q200, _ = _sweep_queries(case, owner, 200, on)
    q1000, _ = _sweep_queries(case, owner, 1000, on)
    if connection.vendor == "postgresql":
        assert q1000 == q200  # one batch each
    else:
        # SQLite: Django splits a bulk write into statements of at most 999 variables.
        assert q1000 - q200 <= 12
