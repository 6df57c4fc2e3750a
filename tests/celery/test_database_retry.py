"""Every task retries a transient database error (scr.celery.Task): a chair's letter
whose send met "database is locked" is tried again and sent, eagerly and through a
real worker on Redis."""

import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError

from scr.celery import TRANSIENT_DATABASE_ERRORS, Task, app
from scr.outbox import services as outbox
from scr.outbox.models import Email
from scr.outbox.tasks import email_send_task


class LockedOnce:
    """outbox.email_send, but the first call raises `error` as the database would."""

    def __init__(self, error: Exception, times: int = 1):
        self.error, self.left, self.calls = error, times, 0
        self.send = outbox.email_send

    def __call__(self, **kwargs):
        self.calls += 1
        if self.left:
            self.left -= 1
            raise self.error
        return self.send(**kwargs)


def _letter_email() -> Email:
    return outbox.email_enqueue(
        purpose="chair_letter",
        key="retry-test",
        to="lead@example.org",
        subject="A letter from the chair",
        text="The letter is attached.",
    )


@pytest.fixture
def fast_backoff(settings):
    settings.TASK_DATABASE_RETRY_BACKOFF = 1
    settings.TASK_DATABASE_RETRY_BACKOFF_MAX = 1


@pytest.fixture
def eager_retries():
    """Celery runs an eager task's retry only when its errors do not propagate (the
    test settings make them propagate: a Retry would surface as an exception)."""
    changes = app.conf.changes
    previous = changes.get("task_eager_propagates", None)
    app.conf.update(task_eager_propagates=False)
    yield
    changes.pop("task_eager_propagates", None)
    if previous is not None:
        changes["task_eager_propagates"] = previous


def test_every_task_of_the_service_retries_database_errors():
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) >= 8
    assert all(isinstance(task, Task) for task in ours), [t.name for t in ours]
    import psycopg2.errors

    for error in (
        OperationalError("database is locked"),
        InterfaceError("connection already closed"),
        psycopg2.errors.SerializationFailure(),
        psycopg2.errors.DeadlockDetected(),
    ):
        assert isinstance(error, TRANSIENT_DATABASE_ERRORS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error", [OperationalError("database is locked"), InterfaceError("connection closed")]
)
def test_an_eager_task_that_meets_a_locked_database_once_is_retried_and_sends(
    monkeypatch, fast_backoff, eager_retries, error, django_capture_on_commit_callbacks
):
    flaky = LockedOnce(error)
    monkeypatch.setattr(outbox, "email_send", flaky)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        email = _letter_email()

    assert flaky.calls == 2
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENT
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]


@pytest.mark.django_db
def test_a_database_that_stays_locked_gives_up_after_the_retries(
    monkeypatch, settings, eager_retries
):
    settings.TASK_DATABASE_RETRIES = 2
    settings.TASK_DATABASE_RETRY_BACKOFF = 0
    flaky = LockedOnce(OperationalError("database is locked"), times=10)
    monkeypatch.setattr(outbox, "email_send", flaky)
    email = _letter_email()

    result = email_send_task.delay(email_id=email.pk)

    assert result.state == "FAILURE"
    assert isinstance(result.result, OperationalError)
    assert flaky.calls == 3  # the first try and two retries


def test_a_task_called_directly_is_not_retried(monkeypatch):
    flaky = LockedOnce(OperationalError("database is locked"))
    monkeypatch.setattr(outbox, "email_send", flaky)
    with pytest.raises(OperationalError):
        email_send_task(email_id=1)
    assert flaky.calls == 1


@pytest.mark.celery_worker
def test_a_worker_retries_a_letter_that_met_a_locked_database(
    monkeypatch, fast_backoff, real_worker, wait_for_mail
):
    flaky = LockedOnce(OperationalError("database is locked"))
    monkeypatch.setattr(outbox, "email_send", flaky)
    mail.outbox.clear()
    email = _letter_email()  # published on commit: no test transaction here

    (sent,) = wait_for_mail(lambda messages: len(messages) >= 1)
    assert sent.to == ["lead@example.org"]
    assert flaky.calls == 2
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENT
