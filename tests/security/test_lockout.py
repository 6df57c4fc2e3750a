"""Sign-in throttling (django-axes): by username and, separately, by client address, for
a cool-off period; a 429 page; one audit row per lockout. Every attempt goes through the
real sign-in view (STACK-FACTS: client.login() cannot pass the axes backend)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from scr.audit.models import AuditEvent
from scr.audit.services import NOT_AN_ACCOUNT

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
WRONG = "not-the-password"
ROOT = Path(__file__).resolve().parent.parent.parent
START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

PROXY = "10.0.0.2"


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


def sign_in(client, username, password, address="198.51.100.1", forwarded_for=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("accounts:sign-in"), {"username": username, "password": password}, **extra
    )


def lockout_rows():
    return AuditEvent.objects.filter(action="sign_in_failed", detail__startswith="locked out")


def test_right_password_is_refused_until_the_cool_off_has_passed(
    client, coordinator, limit, settings
):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(limit - 1):
            assert sign_in(client, coordinator.email, WRONG).status_code == 200
        # The failure that reaches the limit is already refused.
        assert sign_in(client, coordinator.email, WRONG).status_code == 429

        response = sign_in(client, coordinator.email, PASSWORD)
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        text = response.content.decode()
        assert "govuk-template" in text
        assert "Signing in is locked for 15 minutes" in text
        assert "Wait 15 minutes" in text
        assert "contact your board" in text
        assert "axes" not in text.lower() and "Traceback" not in text

        # Refused attempts do not restart the clock: 15 minutes after the last failure.
        traveller.shift(timedelta(minutes=14, seconds=59))
        assert sign_in(client, coordinator.email, PASSWORD).status_code == 429
        traveller.shift(timedelta(seconds=2))
        response = sign_in(client, coordinator.email, PASSWORD)
        assert response.status_code == 302
        assert response["Location"] != reverse("accounts:sign-in")

    # One row for the lockout, however many attempts it refused: who was typed, and where
    # from; never the password.
    (row,) = lockout_rows()
    assert row.actor_label == coordinator.email
    assert row.outcome == "denied"
    assert row.ip_address == "198.51.100.1"
    assert row.detail == "locked out"
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert PASSWORD not in everything and WRONG not in everything


def test_a_username_is_locked_from_every_address(client, coordinator, chair, limit):
    # Different addresses, and the address typed in any case: one count for the username.
    for n in range(limit - 1):
        typed = coordinator.email.upper() if n % 2 else coordinator.email
        assert sign_in(client, typed, WRONG, address=f"198.51.100.{n + 1}").status_code == 200
    assert sign_in(client, coordinator.email, WRONG, address="198.51.100.50").status_code == 429

    assert sign_in(client, coordinator.email, PASSWORD, address="203.0.113.9").status_code == 429
    # The lock is on that username, not on the service or on those addresses.
    assert sign_in(client, chair.email, PASSWORD, address="198.51.100.50").status_code == 302
    assert lockout_rows().count() == 1


def test_an_address_is_locked_for_every_username(client, coordinator, limit):
    for n in range(limit - 1):
        assert sign_in(client, f"guess{n}@example.org", WRONG).status_code == 200
    assert sign_in(client, "guess-last@example.org", WRONG).status_code == 429

    assert sign_in(client, coordinator.email, PASSWORD).status_code == 429
    # The same person from another address is not locked.
    assert sign_in(client, coordinator.email, PASSWORD, address="203.0.113.9").status_code == 302
    (row,) = lockout_rows()
    # The guesses name no account, so what was typed is not kept.
    assert row.actor_label == NOT_AN_ACCOUNT


def test_someone_elses_sign_in_does_not_clear_the_count(client, coordinator, chair, limit):
    """With axes' reset on success, one good sign-in would wipe every failure from that
    address, so anyone with an account could keep guessing another's password."""
    for _ in range(limit - 1):
        assert sign_in(client, coordinator.email, WRONG).status_code == 200
    assert sign_in(client, chair.email, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, coordinator.email, WRONG, address="203.0.113.9").status_code == 429


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(client, limit, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(limit - 1):
        response = sign_in(
            client, f"guess{n}@example.org", WRONG, forwarded_for=f"203.0.113.{n + 1}"
        )
        assert response.status_code == 200
    response = sign_in(client, "guess-last@example.org", WRONG, forwarded_for="203.0.113.99")
    assert response.status_code == 429
    (row,) = lockout_rows()
    assert row.ip_address == "198.51.100.1"


def test_behind_one_proxy_each_client_address_counts_separately(
    client, coordinator, limit, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it was reached from; all arrive from the proxy.
    for n in range(limit - 1):
        response = sign_in(
            client, f"guess{n}@example.org", WRONG, address=PROXY, forwarded_for="198.51.100.7"
        )
        assert response.status_code == 200
    response = sign_in(
        client, "guess-last@example.org", WRONG, address=PROXY, forwarded_for="198.51.100.7"
    )
    assert response.status_code == 429
    # The audit trail names the same client address as the lock.
    (row,) = lockout_rows()
    assert row.ip_address == "198.51.100.7"

    # Another client behind the same proxy is not locked...
    response = sign_in(
        client, coordinator.email, PASSWORD, address=PROXY, forwarded_for="198.51.100.8"
    )
    assert response.status_code == 302
    client.logout()
    # ...and the locked client cannot slip out by sending an X-Forwarded-For of its own:
    # the proxy appends its real address after the forged one.
    response = sign_in(
        client,
        coordinator.email,
        PASSWORD,
        address=PROXY,
        forwarded_for="203.0.113.50, 198.51.100.7",
    )
    assert response.status_code == 429
