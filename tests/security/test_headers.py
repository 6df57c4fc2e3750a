"""Security headers on every kind of answer: a signed-in page, a download and the sign-in
page. HSTS is asserted over HTTPS with the production HSTS values; that production
settings have them on is checked by `check --deploy` (tests/test_deploy_check.py)."""

import pytest
from django.http import FileResponse, HttpResponse
from django.urls import path, reverse

from scr.urls import urlpatterns as real_patterns

pytestmark = pytest.mark.django_db


def cacheable_page(request):
    response = HttpResponse("case data")
    response["Cache-Control"] = "public, max-age=600"
    return response


def cacheable_file(request):
    response = FileResponse(iter([b"%PDF-1.7 case data"]), content_type="application/pdf")
    response["Cache-Control"] = "private, max-age=600"
    return response


urlpatterns = [
    *real_patterns,
    path("test/cacheable-page/", cacheable_page),
    path("test/cacheable-file/", cacheable_file),
]


@pytest.fixture
def https(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in csp[directive]
        assert "'unsafe-eval'" not in csp[directive]


def no_store(response) -> bool:
    return "no-store" in [d.strip() for d in response["Cache-Control"].split(",")]


def test_signed_in_page_has_every_header_and_is_not_stored(client, https, coordinator, case):
    client.force_login(coordinator)
    response = client.get(reverse("cases:case-detail", args=[case.reference]), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert no_store(response)


def test_document_download_has_every_header_and_is_not_stored(client, https, coordinator, case):
    client.force_login(coordinator)
    url = reverse("cases:case-document", args=[case.reference, "case-summary"])
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_security_headers(response)
    assert no_store(response)


def test_sign_in_page_has_every_header(client, https):
    response = client.get(reverse("accounts:sign-in"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert no_store(response)


@pytest.mark.urls("tests.security.test_headers")
@pytest.mark.parametrize("url", ["/test/cacheable-page/", "/test/cacheable-file/"])
def test_nothing_a_signed_in_user_receives_may_be_stored(client, coordinator, url):
    """Whatever caching a view asks for, a signed-in user's answer is not kept."""
    client.force_login(coordinator)
    response = client.get(url)
    assert no_store(response)
    assert "public" not in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.urls("tests.security.test_headers")
def test_anonymous_answers_keep_their_caching(client):
    assert client.get("/test/cacheable-page/")["Cache-Control"] == "public, max-age=600"


def test_no_page_template_has_inline_script_or_style():
    """The policy refuses inline scripts, event handler attributes and inline styles, so
    no page may rely on them. Documents (WeasyPrint) and emails are not pages."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent / "templates"
    not_pages = ("emails/", "documents/")
    inline_script = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    style_block = re.compile(r"<style[\s>]", re.IGNORECASE)
    style_attribute = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
    found = []
    for template in sorted(root.rglob("*.html")):
        name = template.relative_to(root).as_posix()
        if any(part in name for part in not_pages):
            continue
        text = template.read_text()
        if name == "overview/_family_tree.svg.html":
            # Its style attribute is only for the PDF (fit=True); pages include it without.
            text = text.replace(
                '{% if fit %} style="max-width: 100%; height: auto;"{% endif %}', ""
            )
        for pattern in (inline_script, handler, style_block, style_attribute):
            if pattern.search(text):
                found.append(f"{name}: {pattern.pattern}")
    assert found == []
