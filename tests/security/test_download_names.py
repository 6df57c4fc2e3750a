"""File names in downloads: any agency's name gives a header every browser shows right
(an ASCII fallback and RFC 5987 filename*), and a name with a line break is refused at
input instead of making every export of that agency a 500."""

import re
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scr.exports import ascii_filename, content_disposition
from tests.imr.conftest import asked, commissioned, dates, imr_a  # noqa: F401

pytestmark = pytest.mark.django_db


def _names(header: str) -> tuple[str, str]:
    """(filename, the decoded filename* or, without one, filename again): what an old
    browser and a current one would save the file as."""
    fallback = re.search(r'filename="([^"]*)"', header).group(1)
    exact = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    return fallback, unquote(exact.group(1)) if exact else fallback


def test_a_plain_name_is_left_as_it_is():
    header = content_disposition("SCR-2026-001-Northshire-Police-chronology.csv")
    assert header == 'attachment; filename="SCR-2026-001-Northshire-Police-chronology.csv"'


def test_a_welsh_name_and_an_en_dash_keep_their_exact_form_in_filename_star():
    header = content_disposition("SCR-2026-001-Gwasanaeth-Tân–Cymru.xlsx")
    fallback, exact = _names(header)
    assert fallback == "SCR-2026-001-Gwasanaeth-Tan-Cymru.xlsx"
    assert exact == "SCR-2026-001-Gwasanaeth-Tân–Cymru.xlsx"
    header.encode("ascii")  # a header is ASCII only


@pytest.mark.parametrize("name", ["Police\nNorth.csv", 'a"b.csv', "a\\b.csv", "tab\there.csv"])
def test_control_characters_quotes_and_backslashes_never_reach_the_header(name):
    header = content_disposition(name)
    assert not any(c in header for c in "\n\r\t\\")
    assert header.count('"') == 2
    assert _names(header)[0].endswith(".csv")


def test_an_empty_or_unprintable_name_still_gives_a_name():
    assert ascii_filename("") == "download"
    assert ascii_filename("——") == "download"


def test_the_imr_export_of_an_agency_with_a_welsh_name(client, imr_a, author_a):  # noqa: F811
    agency = imr_a.agency
    agency.name = "Gwasanaeth Tân – Cymru"
    agency.save(update_fields=["name"])
    client.force_login(author_a)
    response = client.get(
        reverse("imr:chronology-export", args=[imr_a.case.reference, agency.pk, "csv"])
    )
    assert response.status_code == 200
    fallback, exact = _names(response["Content-Disposition"])
    assert fallback.isascii() and "Tan" in fallback
    assert "Gwasanaeth-Tân-–-Cymru" in exact


def test_a_line_break_in_an_agency_or_board_name_is_refused(agency_a, board, coordinator):
    agency_a.name = "Northshire\nPolice"
    with pytest.raises(ValidationError) as refused:
        agency_a.full_clean()
    assert "control character" in str(refused.value.message_dict["name"])
    board.short_name = "NSAB\t"
    with pytest.raises(ValidationError) as refused:
        board.full_clean()
    assert set(refused.value.message_dict) == {"short_name"}
    coordinator.full_name = "Alex\r\nCoordinator"
    with pytest.raises(ValidationError) as refused:
        coordinator.full_clean()
    assert "full_name" in refused.value.message_dict


def test_the_admin_refuses_an_agency_name_with_a_line_break_and_changes_nothing(
    client, agency_a, coordinator
):
    coordinator.is_staff = True
    coordinator.is_superuser = True
    coordinator.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(coordinator)
    url = reverse("admin:accounts_agency_change", args=[agency_a.pk])
    response = client.post(
        url, {"board": agency_a.board_id, "name": "Northshire\r\nPolice", "kind": agency_a.kind}
    )
    assert response.status_code == 200
    assert "control character" in response.content.decode()
    agency_a.refresh_from_db()
    assert "\n" not in agency_a.name


def test_a_signed_in_person_who_is_not_staff_gets_403_from_the_admin_not_a_loop(client, author_a):
    client.force_login(author_a)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 1
