"""Nothing but the outbox sends mail (issue 16): every email is a row first, so none
can be sent twice or lost outside it. Reads the source, as a reviewer would."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
# Building or sending a message by hand, through Django or the standard library.
SENDS = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|send_messages|EmailMessage|"
    r"EmailMultiAlternatives|get_connection|smtplib)\b"
)
# The outbox itself, and the embedded backend (it is what a send goes through).
ALLOWED = {"scr/outbox/services.py", "scr/mail.py"}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "node_modules", "tests", "build", "var", "bench"}:
            continue
        if "/migrations/" in relative:
            continue
        yield relative, path.read_text()


def test_nothing_outside_the_outbox_sends_mail():
    offenders = [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in _sources()
        if relative not in ALLOWED
        for number, line in enumerate(text.splitlines(), 1)
        # An override of Django's own sender (the password reset form's) may be defined:
        # what it does is read by the other lines.
        if SENDS.search(line) and not line.strip().startswith("def ")
    ]
    assert offenders == [], "send through scr.outbox (email_enqueue or notify_people)"


def test_the_search_finds_a_send_by_hand():
    """The pattern is not blind: the sends this issue removed are each caught."""
    for line in (
        "message = EmailMultiAlternatives(subject, text, to=[address])",
        "with get_connection() as connection:",
        "send_mail(subject, body, None, [user.email])",
    ):
        assert SENDS.search(line), line


def test_the_broker_keeps_a_waiting_task_longer_than_any_retry_waits():
    """Redis hands an unacknowledged message to another worker after the visibility
    timeout: a task waiting longer than that for its retry would run twice."""
    from scr.celery import app

    app.loader.import_default_modules()
    longest = max(
        [settings.OUTBOX_MAX_BACKOFF_SECONDS]
        + [
            getattr(task, "retry_backoff_max", 600)
            for name, task in app.tasks.items()
            if getattr(task, "autoretry_for", ()) and not name.startswith("celery.")
        ]
    )
    assert longest < settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    assert settings.OUTBOX_LEASE_SECONDS > settings.OUTBOX_SEND_TIME_LIMIT + 15
