"""Tasks queued after commit reach a real worker through Redis and do their work."""

import logging
import threading

import pytest
from django.core import mail

from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.celery import app
from scr.outbox.tasks import email_job_task
from tests import scenarios

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


# `case` comes before `real_worker`: the case is built with eager tasks, so its own
# notifications are sent before the worker starts and cannot arrive during the test.
def test_stage_change_notifies_the_people_on_the_case_through_the_worker(
    case,
    coordinator,
    referrer,
    referrer_a,
    panel_chair,
    panel_member,
    author_a,
    director_a,
    overview_author,
    chair,
    lead_a,
    real_worker,
    wait_for_task,
    wait_for_mail,
):
    mail.outbox.clear()

    scenarios.panel_recommended(case, panel_chair=panel_chair, reasons="Review it.")

    # The outbox's job finds who is told, in the worker; then one send task per email.
    name, state, thread, eager = wait_for_task(email_job_task.name)
    assert state == "SUCCESS"
    # Run by the worker, not in this thread nor eagerly.
    assert thread != threading.current_thread().name
    assert not eager
    assert Case.objects.get(pk=case.pk).stage == Stage.PANEL_RECOMMENDED
    # One email each for the coordinator, the board chair (the case now waits on their
    # decision, 7) and everyone assigned, but not for the panel chair who acted, nor for
    # the agency lead who holds no case role. referrer_a made the referral the case was
    # opened from, so follows its stage as `referrer` does.
    expected = {
        person.email
        for person in (
            coordinator,
            chair,
            referrer,
            referrer_a,
            panel_member,
            author_a,
            director_a,
            overview_author,
        )
    }
    wait_for_mail(lambda messages: len(messages) >= len(expected))
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(expected)
    assert all(len(message.to) == 1 for message in mail.outbox)
    for message in mail.outbox:
        html = message.alternatives[0][0]
        for part in (message.subject, message.body, html):
            assert case.reference in part
            assert "Panel recommended" in part
            assert "Hypatia" not in part
            assert "Quenby" not in part
            assert "Review it." not in part


def test_worker_leaves_the_app_as_it_found_it(settings, redis_queue, run_worker):
    """Later tests in the same process run their tasks eagerly, as before."""
    from celery.contrib.testing.tasks import ping

    url, queue = redis_queue
    root = logging.getLogger()
    before = (root.level, list(root.handlers), app.amqp.queues.consume_from.copy())

    with run_worker(url, queue=queue):
        assert app.conf.task_always_eager is False
        assert app.amqp.router.route({}, ping.name)["queue"].name == queue

    assert app.conf.task_always_eager is True
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.task_routes == settings.CELERY_TASK_ROUTES
    assert app.amqp.router.route({}, ping.name)["queue"].name != queue
    assert queue not in app.amqp.queues
    assert (root.level, list(root.handlers), app.amqp.queues.consume_from) == before
    assert ping.delay().get(timeout=1) == "pong"
