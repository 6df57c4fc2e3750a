"""A case seeded in bulk (bench/scale) reads like one the services built (issue 16, 9).

seed_scale writes its rows directly, for speed; the benchmarks are only worth their
figures if the pages read those rows as they read the services' own. So, stage by
stage, a bulk-seeded case is compared with a demo case that the services took there
from its referral (overview/demo.py, actionplans/demo.py), through what the pages and
documents read: the case page's selector and sections, every document the case offers
(the IMR, the overview report, the executive summary, the action plans, the panel's
letters), and the IMRs' content. Texts and counts differ; what is compared is a
normalised view: the route, which clocks in which states, the roles on the case, the
documents offered, and the shape of every read (its keys, and which values are set).
"""

import pytest
from django.db import models

from bench.scale import seed_scale
from imr.selectors import imr_content
from scr import access
from scr.accounts.models import Board, User
from scr.accounts.roles import Role, group_name
from scr.cases import sections
from scr.cases.models import Case
from scr.cases.selectors import case_page_data
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.documents import registry

pytestmark = pytest.mark.django_db

# Documents that need more than the case to be built: read per IMR below; a chair's
# letter is never offered on the case (available: False).
PER_ITEM = {"imr", "chair-letter"}
# A value left blank: an optional answer one case has and the other has not.
UNSET = "unset"
# The demo cases the services took from the referral on (the earlier stages' demo cases
# are made by the core seed's direct transitions, not the panel's services), each at
# the step the bulk seeder puts its cases at (the demo's other case at 'action plans'
# has its letters unsent).
BUILT = {
    Stage.WITH_BOARD: "Florence Ashby",
    Stage.EXECUTIVE_SUMMARY: "Herbert Quayle",
    Stage.ACTION_PLANS: "Ernest Pennyworth",
    Stage.MONITORING: "Albert Fennimore",
    Stage.CLOSED: "Doris Wakefield",
}


def shape(value, depth: int = 4):
    """What a page can rely on in a read, without its texts and counts: a dict's keys
    (each with its value's shape), a list's first element, a record's model, and whether
    a plain value is set at all. Below `depth` only the kind of container is kept."""
    if isinstance(value, models.QuerySet):
        value = list(value)
    if isinstance(value, dict):
        if depth == 0:
            return "dict"
        return {str(key): shape(item, depth - 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if depth == 0:
            return "list"
        return ["list", shape(value[0], depth - 1)] if value else ["list"]
    if isinstance(value, models.Model):
        return type(value).__name__
    if value is None or value == "":
        return UNSET
    return type(value).__name__


def differences(demo, bulk, path="") -> list[str]:
    """Where the two shapes part. An empty list matches any list (a case may have no
    meetings yet, say), and a blank value any value; a list of records matches one of
    other records (the merged chronology mixes entries and gaps); a list of dicts
    compares its first dict."""
    if isinstance(demo, dict) and isinstance(bulk, dict):
        found = [f"{path}/{key}: only in the services' case" for key in demo if key not in bulk]
        found += [f"{path}/{key}: only in the bulk case" for key in bulk if key not in demo]
        for key in demo.keys() & bulk.keys():
            found += differences(demo[key], bulk[key], f"{path}/{key}")
        return found
    if isinstance(demo, list) and isinstance(bulk, list) and demo[:1] == bulk[:1] == ["list"]:
        if len(demo) == 1 or len(bulk) == 1:
            return []
        if isinstance(demo[1], dict) or isinstance(bulk[1], dict):
            return differences(demo[1], bulk[1], f"{path}[0]")
        return []
    if demo == bulk or UNSET in (demo, bulk):
        return []
    return [f"{path}: {demo!r} in the services' case, {bulk!r} in bulk"]


def coordinator_of(board) -> User:
    return User.objects.filter(board=board, groups__name=group_name(Role.COORDINATOR)).first()


def view(case: Case) -> dict:
    """The normalised reads of a case, as its board's coordinator sees it."""
    today = calendar.today()
    reader = coordinator_of(case.board)
    perms = access.case_permissions(reader, case)
    page = case_page_data(case, on=today)
    offered = [kind for kind, _title in registry.choices(case)]
    imrs = list(case.imrs.select_related("agency").order_by("agency__name"))
    content = imr_content(imrs[0])
    return {
        "route": [event.to_stage for event in page["events"]],
        "clocks": sorted({(clock.kind, clock.status) for clock in page["deadlines"]}),
        "roles": sorted({assignment.role for assignment in page["assignments"]}),
        "documents": offered,
        "imr statuses": sorted({imr.status for imr in imrs}),
        "reads": {
            "case page": shape(page),
            "sections": {
                template: shape(context)
                for template, context in sections.for_case(case, reader, perms)
            },
            **{
                f"document {kind}": shape(registry.build(kind, case).context)
                for kind in offered
                if kind not in PER_ITEM
            },
            # An IMR's sections are what its author wrote (which answers, which family
            # details): compared by which sections there are, and the chronology's rows.
            "document imr": shape(registry.build("imr", case, imr=imrs[0]).context, 1),
            "imr content": shape(content, 1),
            "imr chronology": shape(content["chronology"], 2),
        },
    }


@pytest.fixture
def bulk_board(demo_seeded, settings, tmp_path):
    """One bulk-seeded board beside the demo's: 14 cases, one at every stage."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    result = seed_scale(boards=1, cases=14, entries_scale=0.02, force=True, seed=16)
    return Board.objects.get(pk=result.boards[0])


def test_a_bulk_seeded_case_reads_like_one_the_services_built(bulk_board):
    demo_board = Board.objects.get(name="Northshire Safeguarding Adults Board")
    found = []
    for stage, subject in BUILT.items():
        built = Case.objects.get(board=demo_board, stage=stage, subject_name=subject)
        bulk = Case.objects.filter(board=bulk_board, stage=stage).order_by("pk").first()
        assert bulk is not None, stage
        demo_view, bulk_view = view(built), view(bulk)
        reads = differences(demo_view.pop("reads"), bulk_view.pop("reads"))
        found += [f"{stage}: {line}" for line in reads]
        found += [
            f"{stage}: {key}: {demo_view[key]} built, {bulk_view[key]} in bulk"
            for key in demo_view
            if demo_view[key] != bulk_view[key]
        ]
    assert not found, "\n".join(found)
