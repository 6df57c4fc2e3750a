"""Sign-in throttling (django-axes and scr/accounts/lockout.py): the pair (account,
client address) is locked for a cool-off; an account guessed at from many addresses is
slowed down, not locked; an address guessing at many accounts waits out the cool-off; a
429 page; one audit row per lockout. Every attempt goes through the
real sign-in view (STACK-FACTS: client.login() cannot pass the axes backend)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from scr.audit.models import AuditEvent

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


def test_nobody_can_lock_a_colleague_out_from_elsewhere(client, coordinator, limit):
    """Five wrong passwords for one account from one address used to lock the account
    everywhere: anyone could lock a colleague out."""
    for _ in range(limit - 1):
        assert sign_in(client, coordinator.email, WRONG, address="198.51.100.66").status_code == 200
    assert sign_in(client, coordinator.email, WRONG, address="198.51.100.66").status_code == 429
    assert sign_in(client, coordinator.email, PASSWORD, address="198.51.100.66").status_code == 429
    # The owner, at their own desk, is not locked.
    assert sign_in(client, coordinator.email, PASSWORD, address="203.0.113.9").status_code == 302
    assert lockout_rows().count() == 1


def test_one_persons_mistakes_do_not_lock_their_office(client, coordinator, chair, limit):
    """Five failures from one address used to lock every account at it (an office behind
    one NAT address)."""
    for _ in range(limit):
        sign_in(client, chair.email, WRONG)
    assert sign_in(client, coordinator.email, PASSWORD).status_code == 302


def test_an_account_guessed_at_from_many_addresses_is_slowed_down_not_locked(
    client, coordinator, settings
):
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(settings.SIGN_IN_SLOW_AFTER):
            address = f"198.51.100.{n + 1}"
            assert sign_in(client, coordinator.email, WRONG, address=address).status_code == 200
        response = sign_in(client, coordinator.email, PASSWORD, address="203.0.113.9")
        assert response.status_code == 429
        assert response["Retry-After"] == str(settings.SIGN_IN_SLOW_SECONDS)
        assert f"Wait {settings.SIGN_IN_SLOW_SECONDS} seconds" in response.content.decode()
        traveller.shift(timedelta(seconds=settings.SIGN_IN_SLOW_SECONDS - 1))
        assert (
            sign_in(client, coordinator.email, PASSWORD, address="203.0.113.9").status_code == 429
        )
        traveller.shift(timedelta(seconds=1))
        assert (
            sign_in(client, coordinator.email, PASSWORD, address="203.0.113.9").status_code == 302
        )


def test_an_address_guessing_at_many_accounts_waits_out_the_cool_off(client, coordinator, settings):
    settings.SIGN_IN_ADDRESS_LIMIT = 8
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(8):
            assert sign_in(client, f"guess{n}@example.org", WRONG).status_code == 200
        response = sign_in(client, coordinator.email, PASSWORD)
        assert response.status_code == 429
        assert "Signing in is locked for 15 minutes" in response.content.decode()
        # Another address is not held back, and the spraying one is free after the cool-off.
        assert (
            sign_in(client, coordinator.email, PASSWORD, address="203.0.113.9").status_code == 302
        )
        client.logout()
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert sign_in(client, coordinator.email, PASSWORD).status_code == 302


def test_the_answers_do_not_tell_which_addresses_have_accounts(client, coordinator, settings):
    """An account that exists and one that does not are slowed down alike."""
    for who in (coordinator.email, "nobody-here@example.org"):
        for n in range(settings.SIGN_IN_SLOW_AFTER):
            sign_in(client, who, WRONG, address=f"198.51.100.{n + 1}")
        assert sign_in(client, who, WRONG, address="203.0.113.9").status_code == 429


def test_someone_elses_sign_in_does_not_clear_the_count(client, coordinator, chair, limit):
    """With axes' reset on success, one good sign-in would wipe every failure from that
    address, so anyone with an account could keep guessing another's password."""
    for _ in range(limit - 1):
        assert sign_in(client, coordinator.email, WRONG).status_code == 200
    assert sign_in(client, chair.email, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, coordinator.email, WRONG).status_code == 429


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(
    client, coordinator, limit, settings
):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(limit - 1):
        response = sign_in(client, coordinator.email, WRONG, forwarded_for=f"203.0.113.{n + 1}")
        assert response.status_code == 200
    response = sign_in(client, coordinator.email, WRONG, forwarded_for="203.0.113.99")
    assert response.status_code == 429
    (row,) = lockout_rows()
    assert row.ip_address == "198.51.100.1"


def test_behind_one_proxy_each_client_address_counts_separately(
    client, coordinator, limit, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it was reached from; all arrive from the proxy.
    for _ in range(limit - 1):
        response = sign_in(
            client, coordinator.email, WRONG, address=PROXY, forwarded_for="198.51.100.7"
        )
        assert response.status_code == 200
    response = sign_in(
        client, coordinator.email, WRONG, address=PROXY, forwarded_for="198.51.100.7"
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
