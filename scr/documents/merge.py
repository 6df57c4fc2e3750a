"""Putting the laid-out parts of a long document together into one tagged PDF.

The parts (scr.documents.laid_out) hold the PDF objects WeasyPrint made: merging only
renumbers object references, with one regular expression over the dictionaries (streams
are copied as they are), and writes the objects out again: about half a second for a
2,000-entry chronology. Merging the parts' finished PDFs with pypdf parses and copies
every object of their structure trees, some 50,000: about ten seconds (measured).

What the merged PDF keeps of a single pass:
- the pages in order, their content, links and annotations;
- the structure tree (PDF/UA tagging): each part's elements under one Document element,
  and one parent tree, the keys of each part shifted past those of the parts before it;
- named destinations (anchors), so a link to another part's anchor works: a part's link
  to an anchor it does not hold is kept by giving it a stand-in that the merge drops;
- the outline (bookmarks), rebuilt by WeasyPrint's own rules over the whole document;
- the metadata (XMP, title, language) of the first part, which every part shares;
- 'Page X of Y': stamped from page-numbers documents (parts.page_numbers_documents) as a
  form XObject on each page, marked as a pagination artifact.

Depends on how WeasyPrint builds its PDF (pydyf, its outline rules; engine.py): the cache key
of a part includes WeasyPrint's version, and tests/documents/test_parallel_pdf.py checks
the result.
"""

import io
import re
import zlib
from types import SimpleNamespace

from scr.documents.engine import Matrix, add_outlines, make_page_bookmark_tree, pydyf
from scr.documents.laid_out import Part

# The name of the page-number stamp in each page's resources.
STAMP = b"SCRPageNumber"


# The merge ---------------------------------------------------------------------------


class _Raw(pydyf.Object):
    """An object already made: its bytes as they are written."""

    def __init__(self, head: bytes, stream: bytes | None = None):
        super().__init__()
        self.head = head
        self.stream = stream

    @property
    def data(self) -> bytes:
        if self.stream is None:
            return self.head
        return b"\n".join((self.head, b"stream", self.stream, b"endstream"))

    @property
    def compressible(self) -> bool:
        return self.stream is None


# A reference, a StructParent(s) key, or a literal string (skipped: user text may look
# like either). pydyf escapes every parenthesis in a string, so strings do not nest.
_TOKENS = re.compile(
    rb"\((?:[^\\)]|\\.)*\)|(?<![\w.+-])(\d+) 0 R\b|(/StructParents? )(\d+)", re.DOTALL
)


_DEST = re.compile(rb"/Dest \((?:[^\\)]|\\.)*\)|/Dest <[0-9a-fA-F]*>", re.DOTALL)


def _renumber(table: list[int], key_offset: int):
    def replace(match: re.Match) -> bytes:
        if match.group(1) is not None:
            return b"%d 0 R" % table[int(match.group(1))]
        if match.group(2) is not None:
            return match.group(2) + b"%d" % (int(match.group(3)) + key_offset)
        return match.group(0)

    return lambda data: _TOKENS.sub(replace, data)


def _same_box(a: list[float], b: list[float]) -> bool:
    return all(abs(x - y) < 0.05 for x, y in zip(a, b, strict=True))


def merge(parts: list[Part], page_numbers: list[Part], options: dict) -> bytes:
    """One PDF of `parts` in order, numbered with the pages of `page_numbers` (Parts of
    as many pages in all, of the same sizes), written as WeasyPrint writes with
    `options`."""
    pdf = pydyf.PDF()
    structure_root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
    structure_document = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document"})
    parent_tree = pydyf.Dictionary({"Nums": pydyf.Array()})
    tagged = any(part.meta["structure"] for part in parts)
    if tagged:
        for pdf_object in (structure_root, structure_document, parent_tree):
            pdf.add_object(pdf_object)
        structure_root["ParentTree"] = parent_tree.reference
        structure_root["K"] = pydyf.Array([structure_document.reference])
        structure_document["P"] = structure_root.reference
        structure_document["K"] = pydyf.Array()
    page_objects = []  # (merged page object, its part's resources object number)
    dests, bookmarks, metadata = {}, [], None
    anchors = {name for part in parts for name, *_ in part.meta["dests"]}
    key_offset = 0
    for index, part in enumerate(parts):
        meta = part.meta
        structure = meta["structure"]
        dropped = set() if index == 0 or meta["metadata"] is None else {meta["metadata"]}
        table, kept = _placed(pdf, part, dropped)
        table[meta["pages_object"]] = pdf.pages.number
        if structure:
            table[structure["document"]] = structure_document.number
            table[structure["root"]] = structure_root.number
        renumber = _renumber(table, key_offset)
        # A link to an anchor no part has goes nowhere, as in a single pass (where
        # WeasyPrint drops it, with an error in the log).
        nowhere = {
            number
            for name, numbers in meta["links"].items()
            if name not in anchors
            for number in numbers
        }
        for number, head, data in kept:
            if number in nowhere:
                head = _DEST.sub(b"", head, count=1)
            pdf.add_object(_Raw(renumber(head), data))
        page_base = len(page_objects)
        for page in meta["pages"]:
            page_objects.append((pdf.objects[table[page["number"]]], table[page["resources"]]))
        if structure:
            structure_document["K"].extend(b"%d 0 R" % table[kid] for kid in structure["kids"])
            for key, value in structure["nums"]:
                parent_tree["Nums"].extend([key + key_offset, renumber(value.encode("latin-1"))])
            key_offset += max((key for key, _ in structure["nums"]), default=-1) + 1
        for name, page, x, y in meta["dests"]:
            dests.setdefault(name, (page_base + page, x, y))
        for page, *rest in meta["bookmarks"]:
            bookmarks.append((page_base + page, *rest))
        if index == 0 and meta["metadata"] is not None:
            metadata = table[meta["metadata"]]
    for page_object, _ in page_objects:
        pdf.pages["Kids"].extend([page_object.number, 0, "R"])
        pdf.pages["Count"] += 1
    if page_numbers:
        _stamp(pdf, parts, page_objects, page_numbers)
    first_meta = parts[0].meta
    _catalog(pdf, first_meta, tagged, structure_root, dests, bookmarks, metadata)
    if tagged:
        structure_root["ParentTreeNextKey"] = key_offset
    return _write(pdf, version=options["pdf_version"] or "1.7")


def _write(pdf, *, version: str) -> bytes:
    """The PDF's bytes, as pydyf writes with compression (the dictionaries in one object
    stream, a cross-reference stream), but compressed at zlib's default level: pydyf's
    level 9 takes two thirds of a second more over a 2,000-entry chronology's structure
    tree, for a file a few per cent smaller."""
    if pdf.info:
        pdf.add_object(pdf.info)
    output = io.BytesIO()
    output.write(b"%%PDF-%s\n%%\xf0\x9f\x96\xa4\n" % version.encode())
    packed, offsets = [], {}
    for pdf_object in pdf.objects[1:]:
        if pdf_object.compressible:
            packed.append(pdf_object)
        else:
            offsets[pdf_object.number] = output.tell()
            output.write(pdf_object.indirect + b"\n")
    datas = [pdf_object.data for pdf_object in packed]
    positions, at = [], 0
    for pdf_object, data in zip(packed, datas, strict=True):
        positions.append(b"%d %d" % (pdf_object.number, at))
        at += len(data) + 1
    header = b" ".join(positions)
    stream = zlib.compress(b"\n".join([header, *datas]), 6)
    container = len(pdf.objects)
    offsets[container] = output.tell()
    output.write(
        b"%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\n"
        b"stream\n"
        % (container, len(packed), len(header) + 1, len(stream))
        + stream
        + b"\nendstream\nendobj\n"
    )
    xref_number = container + 1
    xref_at = output.tell()
    offsets[xref_number] = xref_at
    width = max(1, (xref_at.bit_length() + 7) // 8)
    # The third field: a free entry's generation (65535), or an index in the stream.
    third = max(2, (len(packed).bit_length() + 7) // 8)
    index_in_stream = {pdf_object.number: i for i, pdf_object in enumerate(packed)}
    rows = [b"\x00" + bytes(width) + (65535).to_bytes(third, "big")]
    for number in range(1, xref_number + 1):
        if number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(width, "big") + bytes(third))
        else:
            rows.append(
                b"\x02" + container.to_bytes(width, "big")
                + index_in_stream[number].to_bytes(third, "big")
            )  # fmt: skip
    table = zlib.compress(b"".join(rows), 6)
    trailer = b"/Root %s" % pdf.catalog.reference
    if pdf.info:
        trailer += b" /Info %s" % pdf.info.reference
    output.write(
        b"%d 0 obj\n<</Type /XRef /Size %d /W [1 %d %d] /Filter /FlateDecode /Length %d %s>>\n"
        b"stream\n"
        % (xref_number, xref_number + 1, width, third, len(table), trailer)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return output.getvalue()


def _catalog(pdf, meta, tagged, structure_root, dests, bookmarks, metadata) -> None:
    pdf.info.update({key: pydyf.String(value) for key, value in meta["info"].items()})
    if meta["lang"]:
        pdf.catalog["Lang"] = pydyf.String(meta["lang"])
    if metadata is not None:
        pdf.catalog["Metadata"] = b"%d 0 R" % metadata
    if tagged:
        pdf.catalog["StructTreeRoot"] = structure_root.reference
        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
        pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
    if dests:
        names = pydyf.Array()
        references = pdf.page_references
        for name in sorted(dests):
            page, x, y = dests[name]
            names.append(pydyf.String(name))
            names.append(pydyf.Array([references[page], "/XYZ", x, y, 0]))
        pdf.catalog["Names"] = pydyf.Dictionary({"Dests": pydyf.Dictionary({"Names": names})})
    if bookmarks:
        # WeasyPrint's own nesting rules (skipped heading levels and all), over the pages
        # of the whole document; the points are already in PDF coordinates.
        by_page = {}
        for page, level, label, x, y, state in bookmarks:
            by_page.setdefault(page, []).append((level, label, (x, y), state))
        root, skipped, previous = [], [], 0
        last_by_depth = [root]
        for page in sorted(by_page):
            previous = make_page_bookmark_tree(
                SimpleNamespace(bookmarks=by_page[page]),
                skipped,
                last_by_depth,
                previous,
                page,
                Matrix(),
            )
        add_outlines(pdf, root)


def _stamp(pdf, parts, page_objects, page_numbers: list[Part]) -> None:
    """Draw page i of `page_numbers` on page i: its content becomes a form XObject, drawn
    after the page's own content (wrapped in q/Q: WeasyPrint leaves its flip of the
    coordinates in place) as a pagination artifact, untagged."""
    boxes = [page["box"] for part in parts for page in part.meta["pages"]]
    stamps = [page for part in page_numbers for page in part.meta["pages"]]
    if len(stamps) != len(page_objects) or not all(
        _same_box(page["box"], box) for page, box in zip(stamps, boxes, strict=True)
    ):
        raise ValueError("The page numbers do not fit the pages of the document")
    forms = []
    for part in page_numbers:
        forms.extend(_forms(pdf, part))
    before, after = _Raw(b"", b"q"), _Raw(b"", b"Q")
    draw = _Raw(b"", b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC q /%s Do Q EMC" % STAMP)
    for stream in (before, after, draw):
        stream.head = b"<</Length %d>>" % len(stream.stream)
        pdf.add_object(stream)
    for form, (page_object, resources) in zip(forms, page_objects, strict=True):
        own = pdf.objects[resources].head
        entry = b"/%s %d 0 R " % (STAMP, form)
        if b"/XObject <<" in own:
            own = own.replace(b"/XObject <<", b"/XObject <<" + entry, 1)
        else:
            own = own[:-2] + b"/XObject <<" + entry + b">>>>"
        page_resources = _Raw(own)
        pdf.add_object(page_resources)
        page_object.head = re.sub(
            rb"/Contents (\d+) 0 R",
            lambda m: (
                b"/Contents [%d 0 R %s 0 R %d 0 R %d 0 R]"
                % (before.number, m.group(1), after.number, draw.number)
            ),
            page_object.head,
            count=1,
        )
        page_object.head = re.sub(
            rb"/Resources \d+ 0 R",
            b"/Resources %d 0 R" % page_resources.number,
            page_object.head,
            count=1,
        )


def _placed(pdf, part: Part, dropped: set[int]) -> tuple[list[int], list]:
    """(the part's object number -> its number in `pdf`, the part's objects but `dropped`):
    the kept objects go after those `pdf` has, in their order."""
    table = [0] * part.meta["count"]
    first = len(pdf.objects)
    kept = [entry for entry in part.objects if entry[0] not in dropped]
    for position, (number, _, _) in enumerate(kept):
        table[number] = first + position
    return table, kept


def _forms(pdf, part: Part) -> list[int]:
    """Add the objects of a page-numbers part but its pages, each page's content made a
    form XObject; the forms' numbers, in page order."""
    pages = part.meta["pages"]
    meta = part.meta
    dropped = {page["number"] for page in pages} | {0, meta["catalog"], meta["pages_object"]}
    table, kept = _placed(pdf, part, dropped)
    renumber = _renumber(table, 0)
    contents = {page["contents"]: page for page in pages}
    for number, head, data in kept:
        head = renumber(head)
        if number in contents:
            page = contents[number]
            box = " ".join(f"{v:g}" for v in page["box"])
            head = b"<</Type /XObject /Subtype /Form /BBox [%s] /Resources %d 0 R " % (
                box.encode(),
                table[page["resources"]],
            ) + head.removeprefix(b"<<")
        pdf.add_object(_Raw(head, data))
    return [table[page["contents"]] for page in pages]
