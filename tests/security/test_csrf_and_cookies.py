"""CSRF everywhere, and cookies a script or another site cannot use."""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, converters, get_resolver, reverse

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES = {
    converters.IntConverter: 1,
    converters.StringConverter: "x",
    converters.SlugConverter: "x",
    converters.PathConverter: "x",
    converters.UUIDConverter: uuid.UUID(int=1),
}


def _patterns(resolver: URLResolver, namespace: str = "", converters_seen=None):
    """Every named URL with the converters of its parameters, through includes."""
    converters_seen = dict(converters_seen or {})
    for entry in resolver.url_patterns:
        found = {**converters_seen, **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", found


def _sample_paths() -> list[str]:
    paths = set()
    for name, found in _patterns(get_resolver()):
        kwargs = {key: SAMPLES[type(conv)] for key, conv in found.items()}
        try:
            paths.add(reverse(name, kwargs=kwargs))
        except Exception:  # noqa: BLE001, S112 - a pattern with positional regex groups
            continue
    return sorted(paths)


def test_every_url_is_reached_by_the_sample():
    # The sample must not shrink to nothing (that would make the next test vacuous).
    assert len(_sample_paths()) > 100


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused(coordinator):
    """No view is exempt: a POST without the token is refused before any view runs,
    signed in or not."""
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(coordinator)
    anonymous = Client(enforce_csrf_checks=True)
    accepted = []
    for path in _sample_paths():
        for client in (anonymous, signed_in):
            response = client.post(path, {"anything": "1"})
            refused = b"Sorry, the form could not be sent" in response.content  # 403_csrf.html
            if response.status_code != 403 or not refused:
                accepted.append((path, response.status_code))
    assert accepted == []


def test_production_cookies_are_secure_httponly_and_samesite():
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
    ]
    script = (
        "import json; from scr import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DEBUG="false", SECRET_KEY="x" * 60)
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    # Django's CSRF cookie is Lax unless set otherwise.
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SAMESITE"] in (None, "Lax", "Strict")


@pytest.mark.django_db
def test_the_session_cookie_carries_its_flags(client, coordinator, settings):
    settings.SESSION_COOKIE_SECURE = True
    client.post(
        reverse("accounts:sign-in"),
        {"username": coordinator.email, "password": "correct-horse-battery-staple"},
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert re.fullmatch(r"[a-z0-9]{32,}", cookie.value)
