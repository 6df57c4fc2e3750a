"""Playwright and axe-core for the browser tests, on Debian's chromium.

The tests use both the ORM and Playwright's sync API, whose event loop makes Django
believe it runs in async code: DJANGO_ALLOW_ASYNC_UNSAFE lets the ORM through.
"""

import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect, sync_playwright

from tests.accounts.two_factor import totp_code, totp_device

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"  # tests/factories.py
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# /tmp/browser-shots here: looked at by eye after a run, never asserted on.
SHOTS = Path(tempfile.gettempdir()) / "browser-shots"
# Pages answer in milliseconds; a locator still missing after this is a failure, not a wait.
TIMEOUT_MS = 5_000


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp: axe-core is injected as a script tag, which a strict CSP would block.
    context = browser.new_context(
        bypass_csp=True,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1024, "height": 768},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page as it stands and fail on any violation."""

    def check(page: Page) -> None:
        page.wait_for_load_state("load")
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("async () => await axe.run()")
        violations = results["violations"]
        assert not violations, (
            f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:\n"
            + _describe(violations)
        )

    return check


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under /tmp/browser-shots/ to look at by eye."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def sign_in(live_server):
    """Sign in through the real sign-in form and the code page, and land on 'Needs your
    attention'. The person's authenticator app is a device made here."""

    def submit(page: Page, user) -> None:
        device = totp_device(user)
        page.goto(f"{live_server.url}/account/sign-in/")
        page.locator("#id_username").fill(user.email)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Enter the code from your authenticator app"
        )
        page.get_by_role("textbox", name="Code").fill(totp_code(device))
        page.get_by_role("button", name="Continue", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Needs your attention")

    return submit
