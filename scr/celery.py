"""The one Celery app. Settings come from Django's settings under the CELERY_ prefix; the
stages add the queues of their tasks and their beat entries to registries (scr.registry)
in their AppConfig.ready(), read here."""

import os

from celery import Celery, signals

from scr import registry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr.settings")

app = Celery("scr")
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
