"""Error pages in the GOV.UK style, with no technical detail."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client
from django.urls import path, reverse

from scr.urls import urlpatterns as real_patterns

SECRET = "secret internal detail"


def boom(request):
    raise RuntimeError(SECRET)


def bad_request(request):
    raise SuspiciousOperation(SECRET)


def forbidden(request):
    raise PermissionDenied(SECRET)


def missing(request):
    raise Http404(SECRET)


urlpatterns = [
    *real_patterns,
    path("boom/", boom),
    path("bad-request/", bad_request),
    path("forbidden/", forbidden),
    path("missing/", missing),
]


def assert_plain(response, status: int, heading: str):
    """The service's page, and nothing of what went wrong inside."""
    assert response.status_code == status
    text = response.content.decode()
    assert "govuk-template" in text and "govuk-heading-l" in text
    assert heading in text
    for leak in (
        SECRET,
        "Traceback",
        "Exception",
        "Request Method",
        "Django",
        "DEBUG",
        "settings",
        settings.SECRET_KEY,
        "CSRF",
        "axes",
    ):
        assert leak not in text, leak


@pytest.mark.django_db
def test_404_and_403_pages_are_styled_and_plain(client, case, panel_member, chair):
    client.force_login(panel_member)
    assert_plain(client.get("/cases/SCR-1999-001/"), 404, "Page not found")
    client.force_login(chair)
    response = client.post(f"/cases/{case.reference}/", {"transition": "x"})
    assert_plain(response, 403, "You cannot do this")


@pytest.mark.django_db
@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/bad-request/", 400, "Sorry, there is a problem"),
        ("/forbidden/", 403, "You cannot do this"),
        ("/missing/", 404, "Page not found"),
        ("/boom/", 500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_show_no_exception_text(url, status, heading):
    client = Client(raise_request_exception=False)
    assert_plain(client.get(url), status, heading)


@pytest.mark.django_db
def test_unknown_host_is_a_plain_400():
    assert_plain(Client().get("/", HTTP_HOST="evil.example.net"), 400, "Sorry, there is a problem")


@pytest.mark.django_db
def test_refused_form_is_a_plain_403_not_djangos_csrf_page(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(reverse("accounts:sign-out"))
    assert_plain(response, 403, "Sorry, the form could not be sent")


@pytest.mark.django_db
def test_429_page_is_styled_and_plain(client, coordinator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("accounts:sign-in"), {"username": coordinator.email, "password": "wrong"}
        )
    assert_plain(response, 429, "Signing in is locked for 15 minutes")
