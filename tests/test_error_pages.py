"""Error pages in the GOV.UK style, with no technical detail."""

import pytest
from django.test import Client
from django.urls import path

from scr.urls import urlpatterns as real_patterns


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [*real_patterns, path("boom/", boom)]


@pytest.mark.django_db
def test_404_and_403_pages_are_styled_and_plain(client, case, panel_member, chair):
    client.force_login(panel_member)
    response = client.get("/cases/SCR-1999-001/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    client.force_login(chair)
    response = client.post(f"/cases/{case.reference}/", {"transition": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "You cannot do this" in text and "govuk-template" in text


@pytest.mark.django_db
@pytest.mark.urls("tests.test_error_pages")
def test_500_page_shows_no_technical_detail():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Sorry, there is a problem with the service" in text
    assert "secret internal detail" not in text and "Traceback" not in text
