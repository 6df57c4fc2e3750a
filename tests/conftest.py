"""Fixed personas, so every view meets the same permission table.

Board A ('Testshire') has three agencies: NHS (agency A), Police (agency B) and
Adult Social Care. Board B ('Otherton') has its own coordinator. The persona names
say who they are: author_a writes agency A's IMR on the case, and so on.
"""

import os
import shutil
import tempfile
import urllib.request

import pytest
from django.test import Client

from scr.accounts.models import Agency
from scr.accounts.roles import Role
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.documents.render import StaticOnlyFetcher
from tests import scenarios
from tests.factories import AgencyFactory, BoardFactory, UserFactory

# `make test` runs the suite in parallel processes (pytest-xdist, --dist loadgroup). Tests
# that share state built once per process must run in one process, as a group: the
# security world (built once for tests/security/ and flushed after its last test) and
# the tests that read the demo (demo_seeded, in the test_demo.py modules and in
# tests/commands/test_seed_scale_reads.py), and the fault scenarios (tests/faults/, which
# share their Redis, SMTP ports and database). The scheduler sees only test ids, so the
# groups are named by path; every other test is scheduled on its own. xdist's own
# xdist_group marker does not work with pytest 9 (it renames node ids through an attribute
# pytest 9 no longer reads).
SHARED_STATE_FIXTURES = ("world", "demo_seeded")


def shared_state_group(nodeid: str) -> str | None:
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/security/"):
        return "tests/security/"
    if path.endswith(("/test_demo.py", "/test_sar_demo.py")) or path == (
        "tests/commands/test_seed_scale_reads.py"
    ):
        return "demo"
    if path.startswith("tests/faults/"):
        # One Redis, SMTP server and database for every fault: run one after the other (two
        # at once restarted each other's Redis).
        return "tests/faults/"
    return None


def pytest_itemcollected(item):
    uses = set(getattr(item, "fixturenames", ())) & set(SHARED_STATE_FIXTURES)
    if uses and shared_state_group(item.nodeid) is None:
        raise pytest.UsageError(
            f"{item.nodeid} uses state shared by a group of tests: add its module to "
            "shared_state_group in tests/conftest.py"
        )


def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedStateScheduling(LoadScopeScheduling):
        """Each group in one process; the largest groups first (loadscope's reordering),
        so a long group does not start last."""

        def _split_scope(self, nodeid: str) -> str:
            return shared_state_group(nodeid) or nodeid

    return SharedStateScheduling(config, log)


@pytest.fixture(autouse=True, scope="session")
def _status_writes_watched():
    """Every protected status field is written only by scr.cases.status.status_change: the
    whole suite fails a test whose code writes one some other way
    (tests/test_status_helper.py)."""
    from scr.cases import status

    status.watch_status_writes()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a complete sign-in: password and second
    factor. The tests of the sign-in itself (tests/accounts/) go through the real forms."""
    from tests.accounts.two_factor import mark_session_verified

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_session_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


# The demo's life: seeded by the first test that asks, flushed after the last of them.
_demo: dict = {"blocker": None}


def _uses_demo(item) -> bool:
    return "demo_seeded" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    """The tests that read the demo run one after the other, where the first of them
    was, so the demo is seeded once for all of them; every other test keeps its order."""
    places = [i for i, item in enumerate(items) if _uses_demo(item)]
    if places:
        together = [items[i] for i in places]
        others = [item for item in items if not _uses_demo(item)]
        items[:] = others[: places[0]] + together + others[places[0] :]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _demo["blocker"] is not None and (nextitem is None or not _uses_demo(nextitem)):
        blocker, _demo["blocker"] = _demo["blocker"], None
        # After the last test the test database is gone already and the connection names
        # the real one again: never flush that (a developer's own data).
        if nextitem is not None and _on_a_test_database():
            from django.core.management import call_command

            with blocker.unblock():
                call_command("flush", interactive=False, verbosity=0)


def _on_a_test_database() -> bool:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    return name.startswith(("test_", "file:memorydb")) or name == ":memory:"


# `make mutants` (bin/mutants) runs the tests once per mutant, each run a pytest session of
# its own, where migrating a new test database (about 7 s) would cost more than the tests.
# It migrates one SQLite file first and names it here; each session works on its own copy
# (a file copy takes milliseconds), so two mutants tested at once never share a database.
_DB_TEMPLATE = os.environ.get("SCR_TEST_DB_TEMPLATE")

if _DB_TEMPLATE:

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        from django.db import connections

        # A folder of the run's own, which bin/mutants.py removes with any copy a killed
        # mutant left behind.
        folder = os.environ.get("SCR_TEST_DB_FOLDER")
        handle, path = tempfile.mkstemp(prefix="scr-mutant-", suffix=".sqlite3", dir=folder)
        os.close(handle)
        shutil.copyfile(_DB_TEMPLATE, path)
        connection = connections["default"]
        with django_db_blocker.unblock():
            connection.close()
            connection.settings_dict["NAME"] = path
        yield
        with django_db_blocker.unblock():
            connection.close()
        os.remove(path)


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker):
    """The demo data, for tests that only read it. seed_demo walks every case through the
    services (about 20 seconds), so it is seeded once, committed, for all such tests
    together, and flushed after the last of them, as a transactional test's data is.
    Each test still runs in its own rolled-back transaction. Module-scoped, so that it
    is set up before any test's transaction begins."""
    if _demo["blocker"] is None:
        from scr.demo.seed import seed_demo

        with django_db_blocker.unblock():
            seed_demo()
        _demo["blocker"] = django_db_blocker


@pytest.fixture
def post_paper(client, case, panel_chair):
    """Post a paper (name, bytes) with a new panel meeting, as the panel chair: the way an
    upload reaches the private storage in the tests of storing and downloading files."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from scr.deadlines import calendar

    client.force_login(panel_chair)

    def post(name: str, data: bytes):
        return client.post(
            reverse("panel:meeting-new", args=[case.reference]),
            {
                "held_on": calendar.today().strftime("%d/%m/%Y"),
                "notes": "Agreed.",
                "paper": SimpleUploadedFile(name, data),
            },
        )

    return post


@pytest.fixture
def board(db):
    return BoardFactory(name="Testshire Safeguarding Adults Board")


@pytest.fixture
def other_board(db):
    return BoardFactory(name="Otherton Safeguarding Adults Board")


@pytest.fixture
def agency_a(board):
    return AgencyFactory(board=board, name="Testshire NHS Trust", kind=Agency.Kind.NHS)


@pytest.fixture
def agency_b(board):
    return AgencyFactory(board=board, name="Testshire Police", kind=Agency.Kind.POLICE)


@pytest.fixture
def agency_c(board):
    return AgencyFactory(
        board=board, name="Testshire Adult Social Care", kind=Agency.Kind.ADULT_SOCIAL_CARE
    )


def _person(board, name, roles=(), agency=None):
    email = name.lower().replace(" ", ".") + "@example.org"
    return UserFactory(board=board, agency=agency, full_name=name, email=email, roles=roles)


@pytest.fixture
def coordinator(board):
    return _person(board, "Cora Ordinator", [Role.COORDINATOR])


@pytest.fixture
def chair(board):
    return _person(board, "Chas Chairman", [Role.BOARD_CHAIR])


@pytest.fixture
def panel_chair(board, agency_b):
    return _person(board, "Pam Chairwoman", agency=agency_b)


@pytest.fixture
def panel_member(board, agency_c):
    return _person(board, "Pat Member", agency=agency_c)


@pytest.fixture
def lead_a(board, agency_a):
    return _person(board, "Lee Lead-Alpha", [Role.AGENCY_LEAD], agency=agency_a)


@pytest.fixture
def lead_b(board, agency_b):
    return _person(board, "Lou Lead-Beta", [Role.AGENCY_LEAD], agency=agency_b)


@pytest.fixture
def author_a(board, agency_a):
    return _person(board, "Ada Author-Alpha", agency=agency_a)


@pytest.fixture
def author_b(board, agency_b):
    return _person(board, "Ben Author-Beta", agency=agency_b)


@pytest.fixture
def director_a(board, agency_a):
    return _person(board, "Dora Director", agency=agency_a)


@pytest.fixture
def overview_author(board):
    return _person(board, "Otto Overview")


@pytest.fixture
def board_member(board):
    return _person(board, "Bea Member", [Role.BOARD_MEMBER])


@pytest.fixture
def referrer(board, agency_b):
    return _person(board, "Rita Referrer", [Role.REFERRER], agency=agency_b)


@pytest.fixture
def outsider(board):
    """A signed-in member of the same board with no role at all."""
    return _person(board, "Olly Outsider")


@pytest.fixture
def other_coordinator(other_board):
    return _person(other_board, "Oona Elsewhere", [Role.COORDINATOR])


@pytest.fixture
def new_case(board, coordinator, referrer, agency_a, agency_c) -> Case:
    """A case at 'referral received' involving agencies A and C, with its referrer."""
    case = case_services.case_create(
        board=board,
        by=referrer,
        subject_name="Hypatia Quenby-Marsh",
        agencies=[agency_a, agency_c],
    )
    case_services.case_assign(case_id=case.pk, user=referrer, role=Role.REFERRER, by=coordinator)
    return case


@pytest.fixture
def referrer_a(board, agency_a):
    """A professional of agency A who refers the `case` fixture's case to the board, so
    that agency A's lead endorses it (5) and agency B stays off the case."""
    return _person(board, "Reggie Referrer-Alpha", agency=agency_a)


@pytest.fixture
def case_with_chair(referrer_a, lead_a, coordinator, referrer, agency_a, agency_c) -> Case:
    """A case opened from a referral endorsed by agency A's lead: with the chair (5).
    Agencies A and C are involved; the persona `referrer` follows its stage too."""
    case = scenarios.referred(
        referrer=referrer_a,
        lead=lead_a,
        subject_name="Hypatia Quenby-Marsh",
        agencies=[agency_a, agency_c],
    )
    case_services.case_assign(case_id=case.pk, user=referrer, role=Role.REFERRER, by=coordinator)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def case(
    case_with_chair,
    coordinator,
    chair,
    panel_chair,
    panel_member,
    author_a,
    director_a,
    overview_author,
) -> Case:
    """A case at 'panel convened' with a person in every case role: referred, endorsed by
    agency A's lead and sent to the panel by the chair, who appointed its chair."""
    assign = case_services.case_assign
    case_id = case_with_chair.pk
    assign(case_id=case_id, user=panel_member, role=Role.PANEL_MEMBER, by=coordinator)
    assign(case_id=case_id, user=author_a, role=Role.IMR_AUTHOR, by=coordinator)
    assign(case_id=case_id, user=director_a, role=Role.COUNTERSIGNING_DIRECTOR, by=coordinator)
    assign(case_id=case_id, user=overview_author, role=Role.OVERVIEW_AUTHOR, by=coordinator)
    return scenarios.panel_convened(case_with_chair, chair=chair, panel_chair=panel_chair)


# The PDF url_fetcher's tests (tests/documents, tests/security) ----------------------------


@pytest.fixture
def fetches(monkeypatch):
    """Every URL the fetcher was asked for, with what it did: 'served' or the error."""
    calls = []
    fetch = StaticOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):
        try:
            response = fetch(self, url, headers)
        except Exception as error:
            calls.append((url, type(error)))
            raise
        calls.append((url, "served"))
        return response

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording_fetch)
    return calls


@pytest.fixture
def opened(monkeypatch):
    """Every URL urllib was asked to open: there must be none."""
    calls = []

    def refuse(self, url, *args, **kwargs):
        calls.append(url)
        raise AssertionError("urllib was asked to open a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return calls
