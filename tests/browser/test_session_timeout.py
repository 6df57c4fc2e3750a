"""The idle timeout warning in a real browser: it shows before the session ends, 'Stay
signed in' keeps the session, and doing nothing ends it with a page that says why."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_timeout_warning_keeps_or_ends_the_session(
    page, live_server, coordinator, sign_in, settings, assert_accessible, screenshot
):
    # Seconds instead of minutes: 8 seconds idle, the warning 6 seconds before.
    settings.SESSION_IDLE_MINUTES = 8 / 60
    settings.SESSION_IDLE_WARNING_MINUTES = 6 / 60
    sign_in(page, coordinator)
    warning = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(warning).to_be_visible(timeout=8000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    screenshot(page, "s1-timeout-warning")
    assert_accessible(page)

    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # Still signed in: the next page opens.
    expect(warning).to_be_visible(timeout=8000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", timeout=15000)
    expect(page.get_by_text("you had not done anything for")).to_be_visible()
    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
