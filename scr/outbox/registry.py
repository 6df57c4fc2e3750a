"""What the stages plug into the outbox, in their AppConfig.ready(): the core never
imports a stage, it looks names up here (scr.registry.Registry, like every other
registry: filled while the apps load, read once they are ready).

- jobs: name -> function(**kwargs) that writes the emails an event owes (notify_people)
- attachments: name -> function(**args) -> (filename, bytes, mimetype), called when the
  email is sent, so a letter's PDF is made by the worker that sends it
- on_sent: purpose -> function(email), run once the row is marked sent (a letter's own
  "sent on" date), in a transaction of its own: never inside the window between the
  mail server's reply and the mark. Run once; by the sweep if the sender died first.
"""

from collections.abc import Callable

from scr.registry import Registry

# Two different functions under one name is refused: it would send the wrong email.
jobs = Registry("Outbox jobs")
attachments = Registry("Outbox attachments")
on_sent = Registry("Outbox sent-marks")


def register_job(name: str, function: Callable) -> Callable:
    return jobs.register(name, function)


def register_attachment(name: str, function: Callable) -> Callable:
    return attachments.register(name, function)


def register_on_sent(purpose: str, function: Callable) -> Callable:
    return on_sent.register(purpose, function)
