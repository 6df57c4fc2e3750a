"""What the stages plug into the outbox, in their AppConfig.ready(): the core never
imports a stage, it looks names up here.

- jobs: name -> function(**kwargs) that writes the emails an event owes (notify_people)
- attachments: name -> function(**args) -> (filename, bytes, mimetype), called when the
  email is sent, so a letter's PDF is made by the worker that sends it
- on_sent: purpose -> function(email), run in the transaction that marks the row sent
  (a letter's own "sent on" date)
"""

from collections.abc import Callable

jobs: dict[str, Callable[..., object]] = {}
attachments: dict[str, Callable[..., tuple[str, bytes, str]]] = {}
on_sent: dict[str, Callable[[object], None]] = {}


def _add(table: dict, name: str, function: Callable) -> Callable:
    # A module imported twice registers once; two different functions under one name
    # is a mistake that would send the wrong email.
    if table.setdefault(name, function) is not function:
        raise ValueError(f"{name!r} is already registered with the outbox")
    return function


def register_job(name: str, function: Callable) -> Callable:
    return _add(jobs, name, function)


def register_attachment(name: str, function: Callable) -> Callable:
    return _add(attachments, name, function)


def register_on_sent(purpose: str, function: Callable) -> Callable:
    return _add(on_sent, purpose, function)
