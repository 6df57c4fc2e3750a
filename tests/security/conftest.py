"""The security tests share one world (tests/security/world.py), built once and
committed, because building it through the services takes seconds and the tests make
thousands of requests against it. Each test still runs in its own transaction (the
`db` fixture), so whatever a test changes is rolled back.

The package's other tests expect an empty database, so the tests that use the world
run first in the package, one after the other (pytest_collection_modifyitems), and the
world is flushed away as soon as the last of them is done (pytest_runtest_teardown), as
a transactional test's data is.

`sweep` asks for every page of the project, once, as every role: the access matrix
reads its status codes and the marker tests read its bodies."""

import logging
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY

from scr.documents.models import RenderedDocument
from scr.documents.services import document_render
from tests.accounts.two_factor import mark_session_verified
from tests.security.world import (
    ADMIN_ROLES,
    BOARD_A_ROLES,
    ROLES,
    World,
    build_world,
    paths,
    user_for,
)

# Pages that hand over a PDF the worker lays out: until it is ready they show a page
# saying how far it has got.
WORKER_PDFS = {
    "imr:pdf",
    "overview:pdf",
    "overview:summary-pdf",
    "actionplans:plan-pdf",
    "actionplans:letter-pdf",
}


# The world's life: built at the first test that uses it, flushed after the last.
# "over" holds the pytest session in which the world was flushed: a later session in the
# same process (make mutants runs one per mutant) builds it afresh.
_life: dict = {"stack": None, "blocker": None, "over": None, "session": None}


def _uses_world(item) -> bool:
    return "world" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    """Among this package's tests, those that use the world first and together; every
    other test keeps its place."""
    here = Path(__file__).parent
    places = [i for i, item in enumerate(items) if here in Path(str(item.path)).parents]
    ours = [items[i] for i in places]
    ordered = [item for item in ours if _uses_world(item)]
    ordered += [item for item in ours if not _uses_world(item)]
    for place, item in zip(places, ordered, strict=True):
        items[place] = item


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _life["stack"] is not None and (nextitem is None or not _uses_world(nextitem)):
        _end_of_world()


def _end_of_world() -> None:
    with _life["blocker"].unblock():
        call_command("flush", interactive=False, verbosity=0)
    _life["stack"].close()
    _life.update(stack=None, over=_life["session"])


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, tmp_path_factory, request) -> World:
    if _life["over"] is request.session:
        pytest.fail("The security world is flushed: the tests that use it must run together.")
    stack = ExitStack()
    stack.enter_context(override_settings(PRIVATE_FILES_ROOT=tmp_path_factory.mktemp("private")))
    _life.update(stack=stack, blocker=django_db_blocker, session=request.session)
    with django_db_blocker.unblock():
        mail.outbox = []
        built = build_world()
    # Every email the building sent, for the marker tests.
    built.emails = list(mail.outbox)
    yield built
    if _life["stack"] is not None:
        _end_of_world()


def signed_in(user) -> Client:
    """A client signed in as `user` (None: signed out), second factor done."""
    client = Client()
    if user is not None:
        client.force_login(user)
        # Inside a test, tests/conftest.py makes force_login do this already.
        if DEVICE_ID_SESSION_KEY not in client.session:
            mark_session_verified(client, user)
    return client


@pytest.fixture
def as_user(db):
    """A signed-in client per person (None: signed out), made once per test."""
    clients: dict = {}

    def client_for(user) -> Client:
        key = getattr(user, "pk", None)
        if key not in clients:
            clients[key] = signed_in(user)
        return clients[key]

    return client_for


@dataclass
class Answer:
    path: str
    status: int
    location: str
    content_type: str
    content: bytes


@dataclass
class Sweep:
    # (board of the page's objects 'a' or 'b', pattern key, role) -> the answer
    answers: dict[tuple[str, str, str], Answer] = field(default_factory=dict)
    # Further pages for the marker tests (searches, the other export formats): by
    # (label, role).
    extra: dict[tuple[str, str], Answer] = field(default_factory=dict)
    emails: list = field(default_factory=list)


def _fetch(client: Client, key: str, path: str) -> Answer:
    response = client.get(path)
    if (
        key in WORKER_PDFS
        and response.status_code == 200
        and response["Content-Type"].startswith("text/html")
    ):
        # The worker's step, as Celery would run it, then the page again.
        for pk in RenderedDocument.objects.filter(
            status=RenderedDocument.Status.QUEUED
        ).values_list("pk", flat=True):
            document_render(document_id=pk)
        response = client.get(path)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Answer(
        path=path,
        status=response.status_code,
        location=response.get("Location", ""),
        content_type=response.get("Content-Type", ""),
        content=content,
    )


def _asks(role: str, key: str, path: str | None, b_path: str | None) -> bool:
    """Whether the sweep asks for board A's page `key` as `role`."""
    if path is None:
        return False
    if key.startswith("admin"):
        return role in ADMIN_ROLES
    if role.startswith("other_"):
        # Board B's people on board A's objects are refused at the first lookup, as
        # board A's people are on board B's (_probes_b); here they read the pages that
        # name no object: the lists, the dashboards and their exports.
        return path == b_path
    return True


def _probes_b(role: str, key: str, path: str | None, a_paths, result: Sweep) -> bool:
    """Whether `role` (of board A) asks for board B's page `key`: board B's version of
    every page they may open on their own board, and every page for the coordinator."""
    if role not in BOARD_A_ROLES or path is None or path == a_paths[key]:
        return False  # an address that names no object of board B was asked above
    if key.startswith("admin"):
        return role == "coordinator"
    at_home = result.answers[("a", key, role)].status
    if at_home == 405:
        return False  # refused for its method before the view looks at anything
    return role == "coordinator" or at_home in (200, 302)


def _memo_render(real):
    """The case page's documents are laid out in the request, from the case alone (the
    builder takes no user): lay each out once however many people download it."""
    made: dict = {}

    def render(document, *args, **kwargs):
        key = (document.template, document.title, document.case_reference)
        if key not in made:
            made[key] = real(document, *args, **kwargs)
        return made[key]

    return render


@pytest.fixture(scope="package")
def sweep(world, django_db_blocker) -> Sweep:
    """Every page of the project asked for by GET as every role: board A's pages by
    everyone in ROLES, board B's by board A's people (an address that does not name
    board B's objects is asked once). Run in one transaction, rolled back."""
    from scr.cases import views as case_views

    result = Sweep()
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # thousands of expected 403s and 404s
    mail.outbox = []
    try:
        with (
            django_db_blocker.unblock(),
            transaction.atomic(),
            mock.patch.object(case_views, "render_pdf", _memo_render(case_views.render_pdf)),
        ):
            a_paths, b_paths = paths(world.a), paths(world.b)
            extra = _extra_paths(world)
            for role in ROLES:
                client = signed_in(user_for(world, role))
                for key, path in a_paths.items():
                    if _asks(role, key, path, b_paths[key]):
                        result.answers[("a", key, role)] = _fetch(client, key, path)
                for key, path in b_paths.items():
                    if _probes_b(role, key, path, a_paths, result):
                        result.answers[("b", key, role)] = _fetch(client, key, path)
                for label, (key, path) in extra.items():
                    result.extra[(label, role)] = _fetch(client, key, path)
            result.emails = list(mail.outbox)
            transaction.set_rollback(True)
    finally:
        request_log.setLevel(level)
    return result


def _extra_paths(world: World) -> dict[str, tuple[str, str]]:
    """Searches, and the export formats and draft sections the world's targets do not
    name: label -> (pattern key, address)."""
    from django.urls import reverse

    a = world.a
    imr = [a.draft_case.reference, a.agencies["a"].pk]
    # What people might type: the query is shown back on the page, so never a marker.
    extra = {
        f"search {q}": ("cases:case-list", f"{reverse('cases:case-list')}?q={q}")
        for q in ("OTH", "Winifred", "Tobias", "2026-001")
    }
    extra.update(
        {
            f"compliance {fmt}": (
                "deadlines:compliance",
                f"{reverse('deadlines:compliance')}?format={fmt}",
            )
            for fmt in ("csv", "xlsx")
        }
    )
    extra["monitoring csv"] = (
        "actionplans:monitoring-export",
        reverse("actionplans:monitoring-export", kwargs={"fmt": "csv"}),
    )
    extra["imr chronology csv"] = (
        "imr:chronology-export",
        reverse("imr:chronology-export", args=[*imr, "csv"]),
    )
    extra["overview chronology csv"] = (
        "overview:chronology-export",
        reverse("overview:chronology-export", args=[a.review_case.reference, "csv"]),
    )
    for key in ("family", "action_plan"):
        extra[f"imr section {key}"] = (
            "imr:section-edit",
            reverse("imr:section-edit", args=[*imr, key]),
        )
    extra["imr history lessons"] = (
        "imr:history",
        reverse("imr:history", args=imr) + "?section=lessons",
    )
    return extra
