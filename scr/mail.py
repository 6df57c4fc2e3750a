"""The service's email backends.

- FileAndConsoleBackend, the embedded default: one .eml file per message under var/mail/,
  echoed to the console.
- SMTPBackend, what EMAIL_URL (smtp://...) selects: Django's SMTP backend, with one moment
  made visible to the outbox. A mail server takes a message when it reads the line "."
  that ends its DATA; until then, a sender that disconnects leaves it nothing. Inside
  `before_end_of_data(hook)`, the hook runs after the whole message is written and before
  that line: the outbox marks its row there (scr.outbox.services.email_send), so a worker
  killed before the mark leaves the server nothing (the row is sent again, once), and one
  killed after it leaves a row that says the server has the message (never sent again).
  A hook that raises ends the connection without the ".": the server drops the message.
  An answer to the "." that never comes raises AnswerNotSeen, not an SMTP error: the
  server may have the message, so the outbox does not send it again.
"""

import contextvars
import re
import smtplib
import sys
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.utils import timezone

_before_end_of_data: contextvars.ContextVar = contextvars.ContextVar(
    "before_end_of_data", default=None
)
END_OF_DATA = b".\r\n"


@contextmanager
def before_end_of_data(hook):
    """Run `hook()` in each SMTP send of this block, just before the server is sent the
    end of the message. Other backends never call it."""
    token = _before_end_of_data.set(hook)
    try:
        yield
    finally:
        _before_end_of_data.reset(token)


class _EndOfDataHook:
    """smtplib's DATA (smtplib.SMTP.data), with the hook run before the final "."."""

    def data(self, msg):
        hook = _before_end_of_data.get()
        if hook is None:
            return super().data(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = re.sub(r"\r\n|\n|\r(?!\n)", "\r\n", msg).encode("ascii")
        body = re.sub(rb"(?m)^\.", b"..", msg)  # a line starting "." is sent as ".." (RFC 5321)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.send(body)
        try:
            hook()
        except BaseException:
            # No "." and no QUIT (which the server would read as a line of the message):
            # the socket is closed and the server discards what it had.
            self.close()
            raise
        self.send(END_OF_DATA)
        try:
            return self.getreply()
        except Exception as error:
            # The end of the message has gone: the server may have it, and without its
            # answer nothing can tell. The socket is closed (a QUIT would wait as long).
            self.close()
            raise AnswerNotSeen(repr(error)) from error


class AnswerNotSeen(Exception):  # noqa: N818 (a state, not an error of ours)
    """The end of a message was sent and the server's answer never read (a timeout, the
    connection lost, the task's time limit): the server may well have the message."""


class _SMTP(_EndOfDataHook, smtplib.SMTP):
    pass


class _SMTPSSL(_EndOfDataHook, smtplib.SMTP_SSL):
    pass


class SMTPBackend(DjangoSMTPBackend):
    @property
    def connection_class(self):
        return _SMTPSSL if self.use_ssl else _SMTP


class FileAndConsoleBackend(BaseEmailBackend):
    """Writes each message to EMAIL_FILE_PATH as its own .eml file and prints a summary."""

    _lock = threading.Lock()

    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            with self._lock:
                sys.stdout.write(
                    f"[mail] to {', '.join(message.to)}: {message.subject} ({path.name})\n"
                )
                sys.stdout.flush()
            sent += 1
        return sent
