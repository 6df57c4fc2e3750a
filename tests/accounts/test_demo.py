"""Every demo account signs in the way README says (issue 19): the demo password, then the
code the code page shows under `make run` (DEMO_SECOND_FACTOR), through the real sign-in
views. A demo person without an authenticator would end on a QR code nobody can scan."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from scr.accounts.models import User
from scr.demo.seed import DEFAULT_PASSWORD

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _readme_demo_accounts() -> set[str]:
    """Every address README's demo section names, the per-agency pattern spelt out."""
    section = README.split("Demo sign-ins", 1)[1].split("\n## ", 1)[0]
    emails = set(re.findall(r"(?<![<>\w.])[a-z][a-z.]*@example\.org\b", section))
    pattern = re.search(
        r"`<agency>\.lead@example\.org`.*?\(((?:`[a-z]+`,?\s*)+)\)", section, re.DOTALL
    )
    assert pattern, "README no longer describes the agencies' own accounts"
    for agency in re.findall(r"`([a-z]+)`", pattern.group(1)):
        emails |= {f"{agency}.{part}@example.org" for part in ("lead", "author", "director")}
    return emails


README_ACCOUNTS = _readme_demo_accounts()


def _sign_in(email: str) -> tuple[int, str]:
    """The password, then the code shown on the code page; where that ends, and the
    status of the home page."""
    client = Client()
    response = client.post(
        reverse("accounts:sign-in"), {"username": email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, email
    assert response["Location"].startswith(reverse("accounts:two-factor")), (email, response)
    page = client.get(response["Location"]).content.decode()
    shown = re.search(r'id="demo-code">.*?<strong>(\d{6})</strong>', page, re.DOTALL)
    assert shown, f"{email}: the code page shows no demo code"
    done = client.post(reverse("accounts:two-factor"), {"code": shown.group(1)})
    return done.status_code, client.get(reverse("cases:home")).status_code


@pytest.fixture
def demo_code_shown(settings):
    # As `make run` has it (bin/run-dev): the code page shows the demo account's code.
    settings.DEBUG = True
    settings.DEMO_SECOND_FACTOR = True


def test_readme_names_the_agencies_accounts_and_adult_social_cares():
    assert {"police.lead@example.org", "homecare.director@example.org"} <= README_ACCOUNTS
    assert {"asc.author@example.org", "asc.director@example.org"} <= README_ACCOUNTS
    assert "southvale.coordinator@example.org" in README_ACCOUNTS


def test_every_demo_account_signs_in_with_the_demo_password_and_code(
    demo_seeded, db, demo_code_shown
):
    seeded = set(User.objects.values_list("email", flat=True))
    assert seeded >= README_ACCOUNTS, "README names accounts the demo does not create"
    assert len(seeded) >= 32
    for email in sorted(seeded):
        assert _sign_in(email) == (302, 200), email
