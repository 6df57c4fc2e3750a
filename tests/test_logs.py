"""What reaches the logs (scr/logs.py, settings.LOGGING): one line per message whatever a
user typed, and neither case content nor a password nor an address's token."""

import io
import logging
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from imr import draft_services
from imr.models import Section
from referrals.models import Referral
from scr.logs import RedactSecretPaths, SafeFormatter
from tests.imr.conftest import asked, commissioned, dates, entry, imr_a  # noqa: F401

SENTINEL = "Zebedee Sentinel-Quartermaine"
PASSWORD = "Sentinel-Password-7f3a"
TOKEN = "sentinel-calendar-token-4b1d"
FORGED = "alice\n2026-01-01 INFO forged"


def _formatter() -> SafeFormatter:
    config = settings.LOGGING["formatters"]["plain"]
    assert config["()"] == "scr.logs.SafeFormatter"
    return SafeFormatter(config["format"])


def _log_to_text(*args, exc_info=None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_formatter())
    logger = logging.getLogger("scr.tests.forged")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(*args, exc_info=exc_info)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_the_console_uses_the_safe_formatter():
    console = [h for h in logging.getLogger().handlers if isinstance(h.formatter, SafeFormatter)]
    assert console


def test_a_newline_in_a_username_cannot_forge_a_log_line():
    text = _log_to_text("Failed sign-in for %s", FORGED)
    assert text.count("\n") == 1  # the line's own end
    assert "alice\\n2026-01-01 INFO forged" in text


@pytest.mark.parametrize("char", ["\r", "\x1b", "\x00", "\u2028", "\x85"])
def test_other_control_characters_are_escaped(char):
    text = _log_to_text("name %s", f"a{char}b")
    assert char not in text and text.count("\n") == 1


def test_a_traceback_keeps_its_lines_and_the_message_is_one():
    try:
        raise ValueError("boom")
    except ValueError:
        text = _log_to_text("Failed for %s", FORGED, exc_info=sys.exc_info())
    first, *rest = text.splitlines()
    assert first.endswith("Failed for alice\\n2026-01-01 INFO forged")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ValueError: boom"


def test_a_token_in_an_address_is_redacted_for_every_handler():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/x/calendar/{TOKEN}.ics",),
        None,
    )
    RedactSecretPaths().filter(record)
    assert record.getMessage() == "Not Found: /x/calendar/[token].ics"


@pytest.fixture
def every_log_at_debug(caplog):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _assert_clean(records) -> None:
    formatter = _formatter()
    assert records  # the flows below do log: the check is not vacuous
    for record in records:
        text = formatter.format(record)
        for secret in (SENTINEL, "Sentinel-Quartermaine", PASSWORD, TOKEN):
            assert secret not in text, f"{secret!r} logged by {record.name}: {text[:200]}"


@pytest.mark.django_db
def test_no_content_password_or_token_in_any_log(
    client,
    every_log_at_debug,
    referrer,
    agency_a,
    coordinator,
    imr_a,  # noqa: F811
    author_a,
    outsider,
):
    # A referral written and submitted through its pages, with the subject's name.
    client.force_login(referrer)
    client.post(reverse("referrals:referral-new"))
    # The referrer's own: the IMR's case was opened from a referral of its own.
    referral = Referral.objects.get(referrer=referrer)
    response = client.post(
        reverse("referrals:referral-edit", args=[referral.pk]),
        {
            "subject_name": SENTINEL,
            "subject_died": "on",
            "subject_date_of_death": "01/10/2026",
            "what_happened": f"{SENTINEL} was not visited.",
            "abuse_or_neglect": "suspected",
            "believes_3_1": "on",
            "agencies": [agency_a.pk],
            "action": "submit",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).subject_name == SENTINEL
    # An IMR saved by its author, then refused to someone else (django.request's 404).
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    draft_services.imr_section_update(
        **key, section=Section.LESSONS, data={"practice": SENTINEL}, revision=None
    )
    draft_services.chronology_entry_save(**key, values=entry("03/02/25", f"{SENTINEL} seen."))
    client.force_login(outsider)
    url = reverse("imr:imr-detail", args=[imr_a.case.reference, imr_a.agency_id])
    assert client.get(url).status_code == 404
    # A calendar address that no longer works, and a failed sign-in.
    client.logout()
    assert client.get(reverse("deadlines:calendar-feed", args=[TOKEN])).status_code == 404
    client.post(reverse("accounts:sign-in"), {"username": SENTINEL, "password": PASSWORD})
    client.post(reverse("accounts:sign-in"), {"username": coordinator.email, "password": PASSWORD})
    requests = [r.getMessage() for r in every_log_at_debug.records if r.name == "django.request"]
    assert f"Not Found: {url}" in requests
    assert "Not Found: /deadlines/calendar/[token].ics" in requests
    _assert_clean(every_log_at_debug.records)
