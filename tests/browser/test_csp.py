"""The Content Security Policy enforced in a real browser: the other browser tests bypass
it to inject axe-core."""

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy_in_a_browser(browser, live_server, client, coordinator, case):
    """The browser tests bypass the policy (axe-core is injected as a script); here it is
    enforced: the pages' scripts and styles load and the browser refuses nothing."""
    client.force_login(coordinator)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = [
        reverse("accounts:sign-in"),
        reverse("cases:home"),
        reverse("cases:case-list"),
        reverse("cases:case-detail", args=[case.reference]),
        reverse("guide-page", args=["coordinator"]),
    ]
    refused = []
    # Not the `page` fixture: that one bypasses the policy for axe-core.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("console", lambda message: refused.append(message.text))
        for url in pages:
            if url != pages[0]:
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": session,
                            "url": live_server.url,
                        }
                    ]
                )
            page.goto(live_server.url + url)
            # app.mjs ran (a module script from 'self') and the stylesheet applied.
            assert page.evaluate("document.body.classList.contains('js-enabled')"), url
            font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
            assert "arial" in font.lower(), url
        shot = page.locator("img.app-guide-shot").first
        assert shot.evaluate("img => getComputedStyle(img).maxWidth") == "100%"
    finally:
        context.close()
    assert [text for text in refused if "Content Security Policy" in text] == []
