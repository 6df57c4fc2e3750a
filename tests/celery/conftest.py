"""A real Celery worker against Redis, for the tests about Celery itself (STYLE.md 8).

The worker runs in a thread of the test process: it shares the settings, the test
database and the locmem mail outbox. Its own database connection cannot see a test's
uncommitted rows, so these tests need django_db(transaction=True).

For the duration of a test the app leaves eager mode and publishes to Redis, on a
queue of its own: two test runs sharing a Redis database (or a message left behind by
an interrupted run) never meet. Everything is put back afterwards, so the ordinary
eager tests that run later in the same process are not affected.
"""

import os
import threading
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import TestWorkController, start_worker
from kombu import pools as kombu_pools
from kombu.utils.url import maybe_sanitize_url

from scr.celery import app

DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/15"
START_TIMEOUT = 20.0
SHUTDOWN_TIMEOUT = 10.0
# How long a test waits for the worker to finish a task.
TASK_TIMEOUT = 15.0


def broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith(("redis://", "rediss://")) else DEFAULT_BROKER_URL


def redis_or_skip(url: str) -> redis.Redis:
    """A client of the broker's Redis; skip when it is unreachable, but fail on CI."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        problem = str(error)
    else:
        return client
    client.close()
    reason = (
        f"Redis at {maybe_sanitize_url(url)} is unreachable ({problem}); "
        "the real-worker tests need it (redis-server, or CELERY_BROKER_URL=redis://...)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


class BoundedWorkController(TestWorkController):
    """Celery's test worker, but waiting for the start has a limit instead of hanging."""

    __test__ = False

    def ensure_started(self):
        if not self._on_started.wait(START_TIMEOUT):
            raise RuntimeError(f"The Celery worker did not start within {START_TIMEOUT:.0f} s.")


def _leave_logging_alone(**kwargs):
    """A setup_logging receiver: the worker then leaves the root logger (and pytest's
    capture of it) as it is."""


@contextmanager
def app_on_redis(url: str, **settings):
    """The app publishing to the Redis at `url` instead of running tasks eagerly, with
    `settings` (Celery's lower-case names) on top. Afterwards the app is as it was."""
    overrides = {
        "task_always_eager": False,
        "broker_url": url,
        # The filesystem transport's folders mean nothing to Redis.
        "broker_transport_options": {"socket_connect_timeout": 2},
        "broker_connection_timeout": 4,
        "broker_connection_retry_on_startup": False,
        **settings,
    }
    conf = app.conf
    previous_changes = {key: conf.changes[key] for key in overrides if key in conf.changes}
    conf.update(overrides)
    # The broker changed: publish through new connections, not ones made for the old one.
    app._pool = app.amqp._producer_pool = None
    try:
        yield app
    finally:
        # kombu keeps connection and producer pools in a registry keyed by connection:
        # close and forget them all, so that neither the next worker on this Redis nor
        # the eager tasks afterwards (which still take a producer) get a closed pool.
        # The app makes fresh pools on first use.
        kombu_pools.reset()
        app._pool = app.amqp._producer_pool = None
        for key in overrides:
            conf.changes.pop(key, None)
        conf.changes.update(previous_changes)
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()


@contextmanager
def worker_on_redis(url: str, *, queue: str):
    """Run a worker thread consuming `queue` on the Redis at `url`, with the app
    publishing every task to that queue instead of running it eagerly. Yields the
    worker; afterwards the app is as it was before."""
    queues = app.amqp.queues
    previous_consume_from = queues._consume_from
    app.loader.import_module("celery.contrib.testing.tasks")
    signals.setup_logging.connect(_leave_logging_alone)
    try:
        with (
            app_on_redis(
                url,
                task_routes={"*": {"queue": queue}},
                worker_hijack_root_logger=False,
                worker_enable_remote_control=False,
            ),
            start_worker(
                app,
                pool="solo",
                queues=[queue],
                # The ping check waits for a result, and this app stores none
                # (task_ignore_result): a started consumer is proof enough, and each test
                # waits for its own task.
                perform_ping_check=False,
                shutdown_timeout=SHUTDOWN_TIMEOUT,
                WorkController=BoundedWorkController,
            ) as worker,
        ):
            yield worker
    finally:
        signals.setup_logging.disconnect(_leave_logging_alone)
        queues.pop(queue, None)
        queues._consume_from = previous_consume_from


@pytest.fixture
def redis_queue():
    """(broker URL, queue name): a queue of this test's own on the broker's Redis.
    Skips when Redis is unreachable (fails on CI); deletes the queue, its binding and
    anything left in it afterwards."""
    url = broker_url()
    client = redis_or_skip(url)
    queue = f"scr-test-{uuid.uuid4().hex}"
    try:
        yield url, queue
    finally:
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
        client.close()


@pytest.fixture
def run_worker():
    """worker_on_redis, for the tests that watch the worker start and stop."""
    return worker_on_redis


@pytest.fixture
def real_worker(transactional_db, redis_queue):
    """A worker thread consuming this test's queue on Redis (see worker_on_redis).

    Depends on transactional_db so that the worker stops before the database is
    flushed: a task still holding a connection would make the flush wait."""
    url, queue = redis_queue
    with worker_on_redis(url, queue=queue) as worker:
        yield worker


@pytest.fixture
def wait_for_mail():
    """`wait_for_mail(predicate)` waits until the locmem outbox holds messages for which
    predicate(messages) is true, and returns them; it fails the test after a timeout."""
    from django.core import mail

    def wait(predicate, timeout: float = TASK_TIMEOUT):
        deadline = time.monotonic() + timeout
        while not predicate(list(mail.outbox)):
            if time.monotonic() > deadline:
                pytest.fail(f"The worker did not send the emails within {timeout:.0f} s.")
            time.sleep(0.1)
        return list(mail.outbox)

    return wait


@pytest.fixture
def wait_for_task():
    """`wait_for_task(name)` waits until a task of that name has finished and returns
    (name, state, thread name, eager); it fails the test after a timeout."""
    finished: list[tuple[str, str, str, bool]] = []
    done = threading.Condition()

    def record(sender=None, task=None, state=None, **kwargs):
        with done:
            finished.append(
                (sender.name, state, threading.current_thread().name, bool(task.request.is_eager))
            )
            done.notify_all()

    def wait(name: str, timeout: float = TASK_TIMEOUT) -> tuple[str, str, str, bool]:
        deadline = time.monotonic() + timeout
        with done:
            while True:
                for entry in finished:
                    if entry[0] == name:
                        return entry
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"The worker did not finish {name} within {timeout:.0f} s.")
                done.wait(left)

    signals.task_postrun.connect(record, weak=False)
    try:
        yield wait
    finally:
        signals.task_postrun.disconnect(record)
