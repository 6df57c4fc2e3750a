"""Three queues (settings.CELERY_TASK_ROUTES), so that a burst of PDF renders never
delays a reminder: every task that sends mail goes to "emails", the renders to
"documents", the sweeps that beat starts to the default queue "celery". Seen where it
counts: the messages published to Redis, in the list of each queue. And whatever runs
the workers consumes every queue: bin/run-dev's one worker all three, docker-compose.yml
one worker per queue (tests/test_docker_compose.py)."""

import json
import re
import uuid
from pathlib import Path

import pytest

from scr.celery import app, beat_schedule
from scr.celery import queues as celery_queues
from scr.deadlines.tasks import deadline_sweep_task, reminder_send_task
from scr.documents.tasks import document_render_task
from tests.celery.conftest import app_on_redis, broker_url, redis_or_skip

ROOT = Path(__file__).resolve().parent.parent.parent
QUEUES = {"celery", "emails", "documents"}


def _our_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def _queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_every_task_has_its_queue_on_purpose():
    """A new task is routed in settings.py, or is one of the sweeps beat starts: the
    default queue is not where a mail or a render lands by oversight."""
    beat = {entry["task"] for entry in beat_schedule().values()}
    for name in _our_tasks():
        queue = _queue(name)
        assert queue in QUEUES, (name, queue)
        assert queue != "celery" or name in beat, f"{name}: route it in CELERY_TASK_ROUTES"
    # The deadline sweep queues reminders; it must not wait behind renders.
    assert _queue(deadline_sweep_task.name) == "celery"


def test_the_mail_tasks_go_to_emails_and_the_renders_to_documents():
    mail = {name for name in _our_tasks() if _queue(name) == "emails"}
    # Every task that sends an email, by the name the services give them.
    # Every email is sent by the outbox (one row a task), or written by its jobs; the
    # reminders and digests are handed to it by tasks of their own.
    assert {n.rsplit(".", 1)[1] for n in mail} == {
        "email_send_task",
        "email_job_task",
        "reminder_send_task",
        "digest_send_task",
    }
    assert _queue(document_render_task.name) == "documents"


@pytest.fixture
def prefixed_redis():
    """(broker URL, key prefix, client): every key this test's messages make in Redis
    starts with a prefix of its own, so the real queue names can be used without
    meeting another run's messages. Deleted afterwards."""
    url = broker_url()
    client = redis_or_skip(url)
    prefix = f"scr-test-{uuid.uuid4().hex}:"
    try:
        yield url, prefix, client
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


@pytest.mark.celery_worker
def test_a_reminder_and_a_render_are_published_to_their_own_queues(prefixed_redis):
    url, prefix, client = prefixed_redis
    options = {"socket_connect_timeout": 2, "global_keyprefix": prefix}
    # The settings' routes as they are: nobody consumes, the messages stay to be looked at.
    with app_on_redis(url, broker_transport_options=options):
        reminder_send_task.delay(reminder_id=1)
        document_render_task.delay(document_id=2)
        document_render_task.delay(document_id=3)
        deadline_sweep_task.delay()

    lengths = {queue: client.llen(f"{prefix}{queue}") for queue in QUEUES}
    assert lengths == {"emails": 1, "documents": 2, "celery": 1}
    [message] = client.lrange(f"{prefix}emails", 0, -1)
    headers = json.loads(message)["headers"]
    assert (headers["task"], headers["kwargsrepr"]) == (
        reminder_send_task.name,
        "{'reminder_id': 1}",
    )
    tasks = {json.loads(m)["headers"]["task"] for m in client.lrange(f"{prefix}documents", 0, -1)}
    assert tasks == {document_render_task.name}


def test_the_embedded_worker_consumes_every_queue():
    """`make run` starts one worker (bin/run-dev): it must take every queue, or the mails
    and the PDFs of the embedded run would wait for ever."""
    script = (ROOT / "bin" / "run-dev").read_text()
    [queues] = re.findall(r"celery -A scr worker .*?-Q ([\w,]+)", script)
    assert set(queues.split(",")) == celery_queues() == QUEUES
