"""How stage apps plug into the core without the core naming them.

The core never imports a stage app, nor names one in a string (tests/test_layers.py). What
the core needs from the stages (a link in the navigation, the queue of a task, a beat
entry, the URL arguments the audit trail may record, the models whose files count towards
a case's quota) it reads from a Registry that each stage fills in its AppConfig.ready().

A Registry is read only once every app is ready, so the core never sees half of it, and
takes entries only until then, so nothing is added after the core has read it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps


class RegistryError(RuntimeError):
    """A registry used at the wrong time, or given two different entries under one key."""


def function_key(function: Callable) -> str:
    """The key of a registered function: where it is defined."""
    return f"{function.__module__}.{function.__qualname__}"


class Registry:
    """Named entries in the order they were registered (the order of INSTALLED_APPS)."""

    def __init__(self, name: str):
        self.name = name
        self._entries: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self._entries)} entries>"

    def register(self, key: str, value: Any = True) -> Any:
        """Add `value` under `key`, from an AppConfig.ready(). The same entry again is
        ignored (a module imported twice); another value under a key taken is refused."""
        if apps.ready:
            raise RegistryError(
                f"{self.name}: {key!r} registered after every app was ready; "
                "register it in the app's AppConfig.ready()."
            )
        if key in self._entries and self._entries[key] != value:
            raise RegistryError(f"{self.name}: {key!r} is registered already, differently.")
        self._entries[key] = value
        return value

    def _read(self) -> dict[str, Any]:
        if not apps.ready:
            raise RegistryError(f"{self.name}: read before every app was ready.")
        return self._entries

    def items(self) -> list[tuple[str, Any]]:
        return list(self._read().items())

    def keys(self) -> list[str]:
        return list(self._read())

    def values(self) -> list[Any]:
        return list(self._read().values())

    def get(self, key: str, default: Any = None) -> Any:
        return self._read().get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self._read()[key]

    def __contains__(self, key: str) -> bool:
        return key in self._read()

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._read())


# The registries the core reads --------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    """A link in every page's navigation (scr.context_processors). `order` places it
    among the core's own (10 attention, 20 cases, 30 deadlines, 90 administration);
    `shown_to(user)` says who sees it (everyone signed in, by default); the link is marked
    as the current page under the path of `active_under` (a URL name), if given."""

    label: str
    url_name: str
    order: int
    shown_to: Callable[[Any], bool] | None = None
    active_under: str = ""


# label -> NavLink
NAVIGATION = Registry("Navigation links")
# A stage's URL configuration (a module path) -> the path it is mounted under (scr/urls.py).
URLCONFS = Registry("URL configurations")
# A task's name -> the queue it goes to (scr/celery.py; the core's own are in settings).
TASK_QUEUES = Registry("Celery task queues")
# A beat entry's name -> {"task": name, "schedule": seconds} (scr/celery.py).
BEAT_ENTRIES = Registry("Celery beat entries")
# A URL argument the audit trail may record when access is refused -> the kind of object
# it names ("referral"), or "" for a string that is only an id (scr/audit/middleware.py).
AUDIT_URL_ARGUMENTS = Registry("URL arguments in the audit trail")
# A model of uploaded files (its label) -> (the model, its path to the case), counted
# towards the case's quota (scr/uploads.py); the model keeps the file's size in `size`.
CASE_FILES = Registry("Uploaded files counted in a case's quota")
# An event a stage records that may open or meet a clock of a review type (a panel meeting
# held, an IMR commissioned) -> what it is, in words (scr.reviewtypes.definition,
# scr.deadlines.services.deadline_event). The case's transitions are events already.
CLOCK_EVENTS = Registry("Events that open or meet clocks")

# A clock kind whose rows only the board's coordinator and chair and the lead of the
# clock's agency may know of (a request for information under s45: another agency may
# not learn who was asked) -> why, in words (scr.access.clock_visible, clocks_visible).
PRIVATE_CLOCKS = Registry("Clocks only their agency and the board's officers see")

# A question the referral form can ask, by the key a review type lists it under -> what it
# asks, in words (scr.reviewtypes.definition refuses a type naming another).
REFERRAL_QUESTIONS = Registry("Questions the referral form asks")
