"""The one Celery app. Settings come from Django's settings under the CELERY_ prefix; the
stages add the queues of their tasks and their beat entries to registries (scr.registry)
in their AppConfig.ready(), read here."""

import os

import celery
from celery import Celery, signals
from celery.utils.time import get_exponential_backoff_interval
from django import db

from scr import registry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr.settings")


def _transient_database_errors() -> tuple[type[Exception], ...]:
    # Django wraps the driver's errors: PostgreSQL's serialization failures and
    # deadlocks (psycopg2's TransactionRollbackError) arrive as db.OperationalError, as
    # does SQLite's "database is locked". The driver's own classes are there for an
    # error raised outside Django's wrapper (a raw cursor's, a connection's close).
    errors: tuple[type[Exception], ...] = (db.OperationalError, db.InterfaceError)
    try:
        import psycopg2
    except ImportError:  # pragma: no cover (SQLite-only installs)
        return errors
    return (*errors, psycopg2.OperationalError, psycopg2.InterfaceError)


TRANSIENT_DATABASE_ERRORS = _transient_database_errors()


class Task(celery.Task):
    """Every task of the app (shared_task included): a transient database error (locked,
    restarting, a serialization failure, a deadlock) is retried with exponential backoff
    and jitter (settings.TASK_DATABASE_RETRY_*), on top of whatever the task itself
    retries. The tasks are idempotent (the services claim rows first), so a retry never
    does anything twice; past the last retry the error is raised as it came, and the
    sweeps find what the task left undone."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except TRANSIENT_DATABASE_ERRORS as error:
            if self.request.called_directly:
                raise
            from django.conf import settings

            countdown = get_exponential_backoff_interval(
                factor=settings.TASK_DATABASE_RETRY_BACKOFF,
                retries=self.request.retries,
                maximum=settings.TASK_DATABASE_RETRY_BACKOFF_MAX,
                full_jitter=True,
            )
            raise self.retry(
                exc=error, countdown=countdown, max_retries=settings.TASK_DATABASE_RETRIES
            ) from error


app = Celery("scr", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def route_registered(name, args, kwargs, options, task=None, **kw):
    """A router (settings.CELERY_TASK_ROUTES, after the core's own routes): the queue a
    stage registered for its task, if any."""
    queue = registry.TASK_QUEUES.get(name)
    return {"queue": queue} if queue else None


def beat_schedule() -> dict:
    """The core's beat entries (settings.CELERY_BEAT_SCHEDULE) and the stages'."""
    from django.conf import settings

    return {**settings.CELERY_BEAT_SCHEDULE, **dict(registry.BEAT_ENTRIES.items())}


@signals.import_modules.connect(sender=app)
def _with_registered_beat(sender, **kwargs) -> None:
    # Sent as a worker or beat starts, before the schedule is read. Celery's Django fixup
    # answers the same signal first (it connected when the app was made): by now Django
    # is set up and every app's ready() has filled the registries.
    app.conf.beat_schedule = beat_schedule()


def queues() -> set[str]:
    """Every queue a task may be sent to: the core's routes, the stages', the default."""
    from django.conf import settings

    core = settings.CELERY_TASK_ROUTES[0]
    return (
        {route["queue"] for route in core.values()}
        | set(registry.TASK_QUEUES.values())
        | {settings.CELERY_TASK_DEFAULT_QUEUE}
    )
