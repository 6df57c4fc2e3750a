"""Passwords (settings.AUTH_PASSWORD_VALIDATORS): one made of the person's name or email
address is refused, so is one seen in a data breach (an offline list of millions, and
the optional k-anonymity range API), each with a message that says why."""

import hashlib
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from scr.accounts.models import User
from tests.factories import UserFactory

PERSONAL = "Your password cannot contain your name or your email address."
BREACHED = "This password has appeared in a data breach"
GOOD = "wardrobe-lantern-cobble-42"


def _refusals(password: str, user) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.fixture
def member():
    return User(email="board.member@example.org", full_name="Wilhelmina Featherstonehaugh")


@pytest.mark.parametrize(
    "password",
    [
        "boardmember1234",
        "Board.Member-2026",
        "1234boardmember",
        "wilhelmina2026!",
        "featherstonehaugh1",
        "my-member-pass-99",
    ],
)
def test_a_password_made_of_the_persons_name_or_address_is_refused(member, password):
    refusals = _refusals(password, member)
    assert any(m.startswith(PERSONAL) for m in refusals), refusals


@pytest.mark.parametrize("password", ["liverpool1892", "Liverpool1892", "chocolate1234"])
def test_a_breached_password_is_refused(member, password):
    refusals = _refusals(password, member)
    assert any(m.startswith(BREACHED) for m in refusals), refusals


def test_a_good_password_passes(member):
    assert _refusals(GOOD, member) == []


def test_boardmember1234_is_refused_when_board_member_resets_their_password(
    client, board, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="board.member@example.org", full_name="Bea Member", board=board)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": user.email})
    link = re.search(r"http://[^/]+(/account/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    page = client.post(
        form_url, {"new_password1": "boardmember1234", "new_password2": "boardmember1234"}
    )
    assert page.status_code == 200
    assert PERSONAL in page.content.decode()
    user.refresh_from_db()
    assert not user.check_password("boardmember1234")

    page = client.post(
        form_url, {"new_password1": "liverpool1892", "new_password2": "liverpool1892"}
    )
    assert BREACHED in page.content.decode()
    assert client.post(form_url, {"new_password1": GOOD, "new_password2": GOOD}).status_code == 302


class RangeAPI(BaseHTTPRequestHandler):
    """A tiny Pwned Passwords range API: the suffixes of `listed` under their prefix."""

    listed: set[str] = set()
    asked: list[str] = []

    def do_GET(self):
        prefix = self.path.rstrip("/").rpartition("/")[2]
        RangeAPI.asked.append(self.path)
        lines = ["0000000000000000000000000000000000A:0"]  # padding, as the API adds
        for password in RangeAPI.listed:
            digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
            if digest.startswith(prefix):
                lines.append(f"{digest[5:]}:42")
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def range_api(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), RangeAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    RangeAPI.listed, RangeAPI.asked = {"plum-velvet-orchard-7"}, []
    settings.PASSWORD_BREACH_RANGE_URL = f"http://127.0.0.1:{server.server_port}/range/"
    settings.PASSWORD_BREACH_RANGE_TIMEOUT = 2
    yield RangeAPI
    server.shutdown()
    server.server_close()


def test_the_range_api_refuses_what_it_lists_and_sees_only_a_hash_prefix(member, range_api):
    refusals = _refusals("plum-velvet-orchard-7", member)
    assert any(m.startswith(BREACHED) for m in refusals), refusals
    assert _refusals(GOOD, member) == []
    digest = hashlib.sha1(b"plum-velvet-orchard-7", usedforsecurity=False).hexdigest().upper()
    assert range_api.asked[0] == f"/range/{digest[:5]}"
    assert all("plum" not in path and digest[5:] not in path for path in range_api.asked)


def test_the_range_api_is_off_by_default(member, settings):
    assert settings.PASSWORD_BREACH_RANGE_URL == ""
    assert _refusals("plum-velvet-orchard-7", member) == []


def test_an_unreachable_range_api_leaves_the_offline_list(member, settings, caplog):
    server = ThreadingHTTPServer(("127.0.0.1", 0), RangeAPI)
    port = server.server_port
    server.server_close()  # nothing listens there now
    settings.PASSWORD_BREACH_RANGE_URL = f"http://127.0.0.1:{port}/range/"
    assert _refusals(GOOD, member) == []
    assert any(m.startswith(BREACHED) for m in _refusals("liverpool1892", member))
    assert "range API did not answer" in caplog.text
