"""A case whose executive summary the chair has approved: the action plans begin (16).

The overview (tests/overview/conftest.py) recommends one thing to Adult Social Care
(agency C, whose lead is Leah Carewell) and one to the board itself."""

import pytest

from overview import summary_services as summaries
from overview.models import ExecutiveSummary
from scr.accounts.models import User
from scr.cases.models import Case
from scr.deadlines import calendar
from tests.imr.conftest import commissioned  # noqa: F401
from tests.overview.conftest import (  # noqa: F401
    CLEAN_SUMMARY,
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)


@pytest.fixture
def planning(received, overview_author, panel_chair, chair) -> Case:  # noqa: F811
    case_id = received.case_id
    summaries.summary_start(case_id=case_id, by=overview_author)
    summary = ExecutiveSummary.objects.get(case_id=case_id)
    summaries.summary_save(
        case_id=case_id, by=overview_author, revision=summary.revision, **CLEAN_SUMMARY
    )
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    summaries.summary_approve(
        case_id=case_id,
        by=chair,
        criminal_proceedings="None.",
        release_date=calendar.today().replace(year=calendar.today().year + 1),
    )
    return Case.objects.get(pk=case_id)


@pytest.fixture
def lead_c(planning) -> User:
    return User.objects.get(full_name="Leah Carewell")
