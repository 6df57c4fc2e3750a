"""The user guide (docs/guide/): every page read without signing in, linked from the
footer, and its Markdown never reaching the page as HTML."""

import re

import pytest
from django.urls import reverse

from scr.guide import GUIDE_DIR, markdown_to_html

SLUGS = sorted(path.stem for path in GUIDE_DIR.glob("*.md") if path.stem != "index")
ROLES = {
    "referrer",
    "agency-lead-and-imr-author",
    "countersigning-director",
    "board-chair",
    "panel",
    "coordinator",
    "overview-author",
    "board-member",
}


def _url(slug: str) -> str:
    return reverse("guide-index") if slug == "index" else reverse("guide-page", args=[slug])


def _title(slug: str) -> str:
    return (GUIDE_DIR / f"{slug}.md").read_text().splitlines()[0].removeprefix("# ")


def test_there_is_a_page_for_every_role():
    assert set(SLUGS) == ROLES


@pytest.mark.parametrize("slug", ["index", *sorted(ROLES)])
def test_each_page_is_read_without_signing_in(client, db, slug):
    response = client.get(_url(slug))
    assert response.status_code == 200
    html = response.content.decode()
    title = _title(slug)
    assert f'<h1 class="govuk-heading-xl">{title}</h1>' in html
    assert f"<title>{title}" in html
    # Nobody is signed in: no account bar, no cases in the footer.
    assert "Signed in as" not in html
    assert reverse("cases:case-list") not in html


def test_the_index_links_to_every_page(client, db):
    html = client.get(reverse("guide-index")).content.decode()
    for slug in ROLES:
        assert f'href="{reverse("guide-page", args=[slug])}"' in html


def test_every_screenshot_the_guide_shows_is_there(client, db, settings):
    for slug in ["index", *ROLES]:
        html = client.get(_url(slug)).content.decode()
        for src in re.findall(r'<img class="app-guide-shot" src="([^"]+)"', html):
            assert src.startswith("/static/guide/journey-"), src
            path = settings.BASE_DIR / "static" / src.removeprefix("/static/")
            assert path.is_file(), src
            assert path.stat().st_size < 200_000, src


def test_the_footer_links_to_the_guide_for_everyone(client, coordinator):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(coordinator)
        html = client.get(reverse("accounts:sign-in") if not signed_in else "/").content.decode()
        assert (
            f'<a class="govuk-footer__link" href="{reverse("guide-index")}">User guide</a>' in html
        )


def test_an_unknown_page_is_not_found(client, db):
    assert client.get(reverse("guide-page", args=["no-such-page"])).status_code == 404
    # One address per page: the index is /guide/ only.
    assert client.get(reverse("guide-page", args=["index"])).status_code == 404


def test_html_in_the_markdown_is_escaped():
    html = markdown_to_html(
        "# <script>alert(1)</script>\n\n"
        "Text with <b>tags</b> & **bold <i>**.\n\n"
        "- [a link](javascript:alert(1))\n"
        '- [quote](/x"onmouseover="alert(1))\n\n'
        '![alt" onerror="alert(1)](/static/guide/x.png)\n'
    )
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>bold &lt;i&gt;</strong>" in html
    assert 'href="#"' in html  # javascript: goes nowhere
    assert 'onmouseover="' not in html
    assert 'onerror="' not in html


def test_the_converter_makes_govuk_blocks():
    html = markdown_to_html(
        "# Title\n\nOne line\ncarried on.\n\n- a\n- b\n\n1. first\n2. second\n\n"
        "## Part\n\nSee [the chair](board-chair.md).\n"
    )
    assert '<h1 class="govuk-heading-xl">Title</h1>' in html
    assert '<p class="govuk-body">One line carried on.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>a</li><li>b</li></ul>' in html
    assert '<ol class="govuk-list govuk-list--number"><li>first</li><li>second</li></ol>' in html
    assert '<h2 class="govuk-heading-m">Part</h2>' in html
    assert f'<a class="govuk-link" href="{reverse("guide-page", args=["board-chair"])}">' in html


def test_links_that_leave_the_service_go_nowhere():
    html = markdown_to_html("[a](//evil.example/x) and [b](/\\evil.example) and [c](/cases/)\n")
    assert "evil.example" not in html.split('href="')[1].split('"')[0]
    assert html.count('href="#"') == 2 and 'href="/cases/"' in html
