"""What reaches the logs: one line per message, and no secret from an address.

SafeFormatter escapes control characters in the message, so a name typed as
"alice\\n2026-01-01 INFO forged" cannot start a line of its own; a traceback keeps its
lines. RedactSecretPaths takes the secret out of the addresses that carry one (a
calendar feed's token, a password-reset token) before django.request logs a 404 of them.
NoTemplateContext keeps django.template's debug lines but not their exception, whose
message holds the whole context of the page: the case it shows.
"""

import copy
import logging
import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    return NAMED.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def escape_controls(text: str) -> str:
    return CONTROL.sub(_escape, text)


class SafeFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        # A copy: the other handlers of the record see it as it was logged.
        safe = copy.copy(record)
        safe.message = escape_controls(record.message)
        return super().formatMessage(safe)


SECRET_IN_PATH = (
    (re.compile(r"(/calendar/)[^/\s\"]+(\.ics)"), r"\1[token]\2"),
    (re.compile(r"(/password-reset/[^/\s\"]+/)[^/\s\"]+"), r"\1[token]"),
)


def redact_secret_paths(text: str) -> str:
    for pattern, replacement in SECRET_IN_PATH:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretPaths(logging.Filter):
    """On a logger (django.request): the record itself changes, for every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_secret_paths(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_secret_paths(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


class NoTemplateContext(logging.Filter):
    """On the django.template logger: a variable that fails to resolve is logged at DEBUG
    with its exception, and the exception's message is the template's whole context."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
