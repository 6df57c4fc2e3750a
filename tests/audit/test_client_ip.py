"""The address in the audit trail: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the
Nth entry of X-Forwarded-For from the right (what the client wrote stands left of it)."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory, override_settings
from django.urls import reverse

from scr.audit.models import AuditEvent
from scr.audit.services import client_ip

PROXY = "10.0.0.2"
CLIENT = "203.0.113.7"
SPOOFED = "198.51.100.1"


def _ip(forwarded: str | None, remote: str = "10.0.0.9") -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxies: X-Forwarded-For is whatever the client sent.
        (0, CLIENT, "10.0.0.9"),
        (0, None, "10.0.0.9"),
        # One proxy appends the address that reached it.
        (1, CLIENT, CLIENT),
        (1, f"{SPOOFED}, {CLIENT}", CLIENT),
        (1, f"{SPOOFED},{CLIENT}", CLIENT),
        # Two: the second appended the first proxy's address.
        (2, f"{CLIENT}, {PROXY}", CLIENT),
        (2, f"{SPOOFED}, {CLIENT}, {PROXY}", CLIENT),
        (1, "2001:db8::1", "2001:db8::1"),
        # Shorter than the proxies would make it, absent, or not an address: the peer.
        (2, CLIENT, "10.0.0.9"),
        (1, None, "10.0.0.9"),
        (1, "", "10.0.0.9"),
        (1, "not-an-address", "10.0.0.9"),
    ],
)
def test_client_ip_takes_the_nth_address_from_the_right(proxies, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert _ip(forwarded) == expected


def test_no_request_no_address():
    assert client_ip(None) is None


@pytest.mark.parametrize("forwarded", [None, CLIENT, f"{SPOOFED}, {CLIENT}"])
def test_the_audit_trail_and_axes_agree_under_the_settings(forwarded):
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == get_client_ip_address(request)


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_audit_row_has_the_clients_address_behind_a_proxy(client, coordinator):
    client.post(
        reverse("accounts:sign-in"),
        {"username": coordinator.email, "password": "wrong-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {CLIENT}",
    )
    assert AuditEvent.objects.get(action="sign_in_failed").ip_address == CLIENT
