"""Cutting a long document's HTML into parts that WeasyPrint lays out on their own.

A template says where it may be cut, with comments that only a template can write (user
text is escaped, so it can never forge one):

- `<!--scr:part-->` starts a part. Put it only where the document starts a new page anyway
  (a forced page break), so that each part lays out exactly as it would in one pass. What
  the body holds before the first one is repeated at the start of every part: running
  elements and `position: fixed` marks only, nothing that takes space.
- `<!--scr:rows-->` ... `<!--scr:/rows-->` inside a part: the rows of a long table, each
  beginning `<tr`, with no table inside a row. A part with more rows than a chunk is cut
  between rows; each chunk reopens the elements left open (the table, its header row) and
  so starts on a new page with the header repeated. That page break is the one difference
  from a single pass: a few pages end short.
- A link whose text needs its target's page number (a table of contents) carries
  `data-page=""`; the pipeline fills in the number (scr.documents.pipeline) and the
  template's CSS shows `attr(data-page)` when it is filled, `target-counter()` otherwise.

The page numbers ('Page X of Y') are stamped on the merged document, so each part is laid
out without them: their margin box is PAGE_NUMBER_BOX. A template's @page rules must not
use :first, :left, :right or :blank: a part's first page is not the document's.
"""

import html as htmllib
import re
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser

PART = "<!--scr:part-->"
ROWS = "<!--scr:rows-->"
END_ROWS = "<!--scr:/rows-->"
# Where templates/documents/base.html puts 'Page X of Y'.
PAGE_NUMBER_BOX = "bottom-center"
MARGIN_BOXES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
    "right-top", "right-middle", "right-bottom",
    "bottom-right-corner", "bottom-right", "bottom-center", "bottom-left", "bottom-left-corner",
    "left-bottom", "left-middle", "left-top",
)  # fmt: skip

# Stands in for page numbers before they are known: about as wide as the real ones.
PLACEHOLDER = "000"

_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_ROW_START = re.compile(r"(?=<tr[\s>])", re.IGNORECASE)
_PAGE_LINK = re.compile(r'<a\b[^>]*\bdata-page="[^"]*"[^>]*>')
_HREF = re.compile(r'\bhref="#([^"]*)"')
_DATA_PAGE = re.compile(r'\bdata-page="[^"]*"')
_ID = re.compile(r'\s+id="[^"]*"')
_PAGE_NAME = re.compile(r"^[A-Za-z_][\w-]*$")
_PAGES_COUNTER = re.compile(r"counter\(\s*pages\s*\)")


@dataclass(frozen=True)
class Split:
    """A document cut into parts: `bodies` in order, each laid out with the same head
    (`head`, up to and including <body>) and preamble."""

    head: str
    preamble: str
    bodies: list[str]
    tail: str

    def document(self, body: str, *, css: str = "") -> str:
        """One part as a whole HTML document, with `css` added to the head."""
        return _with_css(self.head, css) + self.preamble + body + self.tail


def long_enough(html: str) -> bool:
    """Whether `html` is long enough for the parts to pay (DOCUMENT_PDF_SPLIT_KB), and
    marks its parts."""
    from django.conf import settings

    least = settings.DOCUMENT_PDF_SPLIT_KB
    return least > 0 and len(html) >= least * 1024 and PART in html


def split(html: str, *, chunk_rows: int) -> Split | None:
    """The parts of `html`, with long tables cut into chunks of about `chunk_rows` rows;
    None when the document has no part marks."""
    opening = _BODY.search(html)
    closing = html.rfind("</body>")
    if opening is None or closing < opening.end() or PART not in html:
        return None
    head, body, tail = html[: opening.end()], html[opening.end() : closing], html[closing:]
    preamble, *pieces = body.split(PART)
    bodies = []
    for piece in pieces:
        if piece.strip():
            bodies.extend(_chunks(piece, chunk_rows))
    return Split(head=head, preamble=preamble, bodies=bodies, tail=tail)


def without_page_numbers() -> str:
    """CSS for a part: its pages are numbered when the parts are put together."""
    return f"@page {{ @{PAGE_NUMBER_BOX} {{ content: none !important }} }}"


def page_numbers_documents(whole: Split, page_names: list[str], *, pieces: int) -> list[str]:
    """Documents of empty pages, one for each page of the merged document and of the same
    named page, showing nothing but the document's own 'Page X of Y': stamped over the
    merged pages, they number them as a single pass would have. In `pieces` documents of
    consecutive pages, to be laid out side by side: each starts its page counter where
    the one before it ends, and has the total written in."""
    total = len(page_names)
    others = " ".join(
        f"@{box} {{ content: none !important }}" for box in MARGIN_BOXES if box != PAGE_NUMBER_BOX
    )
    head = _PAGES_COUNTER.sub(f'"{total}"', whole.head)
    size = -(-total // max(1, min(pieces, total)))
    documents = []
    for start in range(0, total, size):
        pages = "".join(
            f'<div style="break-before: page; page: {name if _PAGE_NAME.match(name) else "auto"}">'
            "</div>"
            for name in page_names[start : start + size]
        )
        css = f"@page {{ {others} }} @page :first {{ counter-set: page {start + 1} }}"
        documents.append(_with_css(head, css) + pages + whole.tail)
    return documents


def needs_page_numbers(body: str) -> bool:
    return _PAGE_LINK.search(body) is not None


def number_links(body: str, pages: dict[str, int] | None) -> str:
    """`body` with each data-page link given the page its target is on (`pages`, by
    anchor name), or PLACEHOLDER when the numbers are not known yet (pages=None)."""

    def fill(match: re.Match) -> str:
        tag = match.group(0)
        if pages is None:
            number = PLACEHOLDER
        else:
            href = _HREF.search(tag)
            found = pages.get(htmllib.unescape(href.group(1))) if href else None
            number = "" if found is None else str(found)
        return _DATA_PAGE.sub(f'data-page="{number}"', tag, count=1)

    return _PAGE_LINK.sub(fill, body)


def _with_css(head: str, css: str) -> str:
    if not css:
        return head
    at = head.lower().rfind("</head>")
    style = f"<style>{css}</style>"
    return head[:at] + style + head[at:] if at >= 0 else head + style


# Long tables ------------------------------------------------------------------------


def _chunks(piece: str, chunk_rows: int) -> list[str]:
    start, end = piece.find(ROWS), piece.find(END_ROWS)
    if start < 0 or end < start or chunk_rows < 1:
        return [piece]
    before, after = piece[:start], piece[end + len(END_ROWS) :]
    rows = _rows(piece[start + len(ROWS) : end])
    if len(rows) <= chunk_rows:
        return [piece]
    context = _OpenElements.at_end_of(before)
    if context is None:
        return [piece]
    reopen, close = context
    groups = _group(rows, chunk_rows)
    chunks = []
    for n, group in enumerate(groups):
        first, last = n == 0, n == len(groups) - 1
        chunks.append((before if first else reopen) + "".join(group) + (after if last else close))
    return chunks


def _rows(text: str) -> list[str]:
    rows = [row for row in _ROW_START.split(text) if row]
    # Whatever comes before the first row (a line break) stays with it.
    if len(rows) > 1 and not rows[0].lstrip().lower().startswith("<tr"):
        rows[1] = rows[0] + rows[1]
        del rows[0]
    return rows


def _group(rows: list[str], size: int) -> list[list[str]]:
    """Rows in chunks of about `size`, cut where a row's own content says so (a checksum),
    between size/2 and 2*size rows: a row added or removed changes its own chunk and
    leaves the others as they were, so they are laid out again only if they changed."""
    least, most = max(1, size // 2), 2 * size
    spread = max(1, size - least)
    groups, current = [], []
    for row in rows:
        current.append(row)
        due = len(current) >= least and zlib.crc32(row.encode()) % spread == 0
        if due or len(current) >= most:
            groups.append(current)
            current = []
    if current:
        if groups and len(current) < least:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


class _OpenElements(HTMLParser):
    """The elements still open at the end of some HTML, to close a chunk of a table and to
    reopen the next one (without their ids, which belong to the first)."""

    VOID = {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    }  # fmt: skip
    REPEATED = ("colgroup", "thead")

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.lines = [0]
        for line in text.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.stack: list[tuple[str, str, int]] = []
        # For each open table: the colgroup and thead it has, as written.
        self.repeated: dict[int, dict[str, str]] = {}
        self.started: dict[str, int] = {}

    @classmethod
    def at_end_of(cls, text: str) -> tuple[str, str] | None:
        parser = cls(text)
        parser.feed(text)
        parser.close()
        if not any(tag == "table" for tag, _, _ in parser.stack):
            return None
        reopen = []
        for tag, start_tag, at in parser.stack:
            reopen.append(_ID.sub("", start_tag))
            if tag == "table":
                found = parser.repeated.get(at, {})
                reopen.extend(found.get(name, "") for name in cls.REPEATED)
        close = "".join(f"</{tag}>" for tag, _, _ in reversed(parser.stack))
        return "".join(reopen), close

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        at = self._offset()
        if tag in self.REPEATED:
            self.started[tag] = at
        self.stack.append((tag, self.get_starttag_text(), at))

    def handle_endtag(self, tag):
        if tag in self.REPEATED and tag in self.started:
            end = self.text.find(">", self._offset()) + 1
            tables = [at for name, _, at in self.stack if name == "table"]
            if tables:
                self.repeated.setdefault(tables[-1], {})[tag] = self.text[
                    self.started.pop(tag) : end
                ]
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
