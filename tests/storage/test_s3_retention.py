"""Retention with the private storage in an S3 bucket (conftest.py): a closed case past
its period goes with its objects, once the deletion has committed."""

from datetime import datetime, time, timedelta

import pytest

from scr.cases.retention import retention_apply
from scr.deadlines import calendar
from scr.documents.models import RenderedDocument

# The whole procedure to a closed case with a file at three stages, as
# tests/commands/test_apply_retention.py has it.
from tests.actionplans.conftest import (  # noqa: F401
    commissioned,
    lead_c,
    planning,
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)
from tests.commands.test_apply_retention import case, closed_case, private_root  # noqa: F401

pytestmark = pytest.mark.django_db


def test_retention_deletes_the_cases_objects_from_the_bucket(
    bucket, closed_case, objects, django_capture_on_commit_callbacks
):
    stored = objects()
    # The panel's paper, two pieces of evidence, and the summary's PDF that the worker's
    # code rendered into the bucket.
    assert len(stored) == 4 and all(key.startswith("scr/") for key in stored)
    document = RenderedDocument.objects.get(case=closed_case, kind="case-summary")
    assert f"scr/{document.file_name}" in stored
    closed_on = calendar.today()
    later = datetime.combine(
        calendar.add_months(closed_on, 72) + timedelta(days=1), time(12), tzinfo=calendar.LONDON
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deleted = retention_apply(case_id=closed_case.pk, now=later)
    assert deleted.files == 4
    # The objects outlive the rows until the deletion commits.
    assert objects() == stored
    for callback in callbacks:
        callback()

    assert objects() == []
