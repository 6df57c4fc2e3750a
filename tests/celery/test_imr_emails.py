"""An IMR submitted for countersignature reaches its director through a real worker."""

import threading

import pytest
from django.core import mail

from imr import services
from imr.models import Part
from scr.outbox.tasks import email_send_task
from tests.imr.conftest import asked, commissioned, dates, imr_a, write_chronology  # noqa: F401

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


# `imr_a` comes before `real_worker`: the invitations and nominations are sent eagerly
# before the worker starts, so none of them can arrive during the test.
def test_the_director_is_asked_to_countersign_through_the_worker(
    imr_a,
    author_a,
    director_a,
    real_worker,
    wait_for_task,  # noqa: F811
):
    write_chronology(imr_a, author_a)
    mail.outbox.clear()
    services.imr_submit(
        case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, part=Part.CHRONOLOGY
    )
    name, state, thread, eager = wait_for_task(email_send_task.name)
    assert state == "SUCCESS"
    assert thread != threading.current_thread().name
    assert not eager
    assert [m.to for m in mail.outbox] == [[director_a.email]]
    assert "For your countersignature" in mail.outbox[0].subject
    assert imr_a.case.reference in mail.outbox[0].body
