"""A laid-out part of a long document (scr.documents.pipeline), as it is kept and merged.

A part is kept as WeasyPrint made its PDF objects, before they were written out: each
object's bytes (a stream's dictionary apart from its data), and what the merge needs to
know (its pages, their structure, anchors, bookmarks, the links to other parts), in a
JSON header. Made in a layout process (scr.documents.layout), stored as a file of the
private storage (DocumentPart), read back by the render that merges it
(scr.documents.merge).

Depends on how WeasyPrint builds its PDF (generate_pdf, pydyf, through engine.py): the
cache key of a part includes WeasyPrint's version, and tests/documents/test_parallel_pdf.py
checks the result.
"""

import hashlib
import json
import struct
from dataclasses import dataclass

from scr.documents.engine import Matrix, generate_pdf, page_type_name, pydyf, to_bytes

MAGIC = b"SCR-PDF-PART-1\n"
# What part_from_layout writes: a kept part without one of them is of an older making.
META = {
    "count", "pages", "anchors", "bookmarks", "catalog", "pages_object", "lang", "info",
    "metadata", "dests", "structure", "links",
}  # fmt: skip


class BadPart(ValueError):
    """A kept part that cannot be read (an older format, a damaged file)."""


@dataclass
class Part:
    """One laid-out part: `meta` (JSON-able) and its objects (number, head, stream), where
    head is the object's bytes, or a stream's dictionary, and stream its data or None."""

    meta: dict
    objects: list[tuple[int, bytes, bytes | None]]

    @property
    def pages(self) -> int:
        return len(self.meta["pages"])

    @property
    def page_names(self) -> list[str]:
        return [page["name"] for page in self.meta["pages"]]

    def encode(self) -> bytes:
        index = [[number, len(head), -1 if data is None else len(data)] for number, head, data
                 in self.objects]  # fmt: skip
        header = json.dumps({"meta": self.meta, "index": index}, separators=(",", ":")).encode()
        body = b"".join(head + (data or b"") for _, head, data in self.objects)
        return MAGIC + struct.pack(">Q", len(header)) + header + body

    @classmethod
    def decode(cls, blob: bytes) -> "Part":
        if not blob.startswith(MAGIC):
            raise BadPart("Not a laid-out part of this format")
        try:
            start = len(MAGIC) + 8
            (length,) = struct.unpack(">Q", blob[len(MAGIC) : start])
            header = json.loads(blob[start : start + length])
            at = start + length
            objects = []
            for number, head_length, data_length in header["index"]:
                head = blob[at : at + head_length]
                at += head_length
                data = None
                if data_length >= 0:
                    data = blob[at : at + data_length]
                    at += data_length
                objects.append((number, head, data))
        except (ValueError, KeyError, TypeError, struct.error) as error:
            raise BadPart(f"Damaged laid-out part: {error}") from error
        if at != len(blob):
            raise BadPart("Damaged laid-out part: wrong length")
        if not set(header["meta"]) >= META:
            raise BadPart("A laid-out part of an older making")
        return cls(meta=header["meta"], objects=objects)


# The worker's side: a laid-out WeasyPrint document as a Part ---------------------------


def _number(reference) -> int:
    return int(bytes(reference).split()[0])


def _text(value) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def part_from_layout(laid_out, options: dict, *, name: str) -> Part:
    """Make the PDF objects of a laid-out WeasyPrint Document (what write_pdf would write)
    and keep them as a Part. `name` (unique to the part's content) keeps the ids of table
    headers apart from those of other parts."""
    anchors, bookmarks, stand_ins = _anchors_and_bookmarks(laid_out)
    pdf = generate_pdf(laid_out, None, 1, **options)
    _distinct_header_ids(pdf, name)
    numbers = {number: index for index, number in enumerate(pdf.pages["Kids"][::3])}
    catalog = pdf.catalog
    pages = []
    for index, (page, number) in enumerate(zip(laid_out.pages, numbers, strict=True)):
        pdf_page = pdf.objects[number]
        pages.append(
            {
                "number": number,
                "contents": _number(pdf_page["Contents"]),
                "resources": _number(pdf_page["Resources"]),
                "box": [float(v) for v in pdf_page["MediaBox"]],
                "name": page_type_name(page),
                "index": index,
            }
        )
    meta = {
        "count": len(pdf.objects),
        "pages": pages,
        "anchors": anchors,
        "bookmarks": bookmarks,
        "catalog": catalog.number,
        "pages_object": pdf.pages.number,
        "lang": _text(catalog["Lang"].string) if "Lang" in catalog else "",
        "info": {key: _text(value.string) for key, value in pdf.info.items()},
        "metadata": _number(catalog["Metadata"]) if "Metadata" in catalog else None,
        "dests": [],
        "structure": None,
        # The links to anchors of other parts: {anchor: [link annotation numbers]}.
        "links": _links_to(pdf, stand_ins),
    }
    if "Names" in catalog and "Dests" in catalog["Names"]:
        names = catalog["Names"]["Dests"]["Names"]
        for label, target in zip(names[::2], names[1::2], strict=True):
            if label.string in stand_ins:
                continue
            meta["dests"].append(
                [label.string, numbers[_number(target[0])], float(target[2]), float(target[3])]
            )
    if "StructTreeRoot" in catalog:
        root_number = _number(catalog["StructTreeRoot"])
        root = pdf.objects[root_number]
        document_number = _number(root["K"][0])
        tree_number = _number(root["ParentTree"])
        nums = pdf.objects[tree_number]["Nums"]
        meta["structure"] = {
            "root": root_number,
            "document": document_number,
            "parent_tree": tree_number,
            "kids": [_number(kid) for kid in pdf.objects[document_number]["K"]],
            "nums": [
                [key, _text(to_bytes(value))]
                for key, value in zip(nums[::2], nums[1::2], strict=True)
            ],
        }
    dropped = {0, catalog.number, pdf.pages.number}
    if meta["structure"]:
        dropped |= {meta["structure"][k] for k in ("root", "document", "parent_tree")}
    objects = []
    for pdf_object in pdf.objects:
        if pdf_object.number in dropped:
            continue
        data = pdf_object.data
        if isinstance(pdf_object, pydyf.Stream):
            head, _, rest = data.partition(b"\nstream\n")
            objects.append((pdf_object.number, head, rest.removesuffix(b"\nendstream")))
        else:
            objects.append((pdf_object.number, data, None))
    # The Info dictionary is not an object until the PDF is written.
    return Part(meta=meta, objects=objects)


def _links_to(pdf, names: set) -> dict[str, list[int]]:
    found = {}
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, pydyf.Dictionary) and pdf_object.get("Subtype") == "/Link":
            target = pdf_object.get("Dest")
            if isinstance(target, pydyf.String) and target.string in names:
                found.setdefault(target.string, []).append(pdf_object.number)
    return found


def _anchors_and_bookmarks(laid_out) -> tuple[dict, list, set]:
    """The part's anchors (name: page index), its bookmarks in PDF coordinates (then taken
    off the pages: the merge makes the outline), and stand-in anchors added for the links
    to other parts, which WeasyPrint would otherwise drop."""
    anchors = {}
    for index, page in enumerate(laid_out.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    stand_ins = set()
    for page in laid_out.pages:
        for link_type, target, _, _ in page.links:
            if link_type == "internal" and target not in anchors and target not in stand_ins:
                page.anchors[target] = (0, 0, 0, 0)
                stand_ins.add(target)
    bookmarks = []
    for index, page in enumerate(laid_out.pages):
        matrix = Matrix(a=0.75, d=-0.75, f=page.height * 0.75)
        for level, label, (x, y), state in page.bookmarks:
            x, y = matrix.transform_point(x, y)
            bookmarks.append([index, level, label, x, y, state])
        page.bookmarks = []
    return anchors, bookmarks, stand_ins


def _distinct_header_ids(pdf, name: str) -> None:
    """WeasyPrint names table header cells by object number ('57-0-3'), which another part
    may reuse: prefix them with the part's own name."""
    for pdf_object in pdf.objects:
        if not isinstance(pdf_object, pydyf.Dictionary) or "S" not in pdf_object:
            continue
        if pdf_object["S"] == "/TH" and "ID" in pdf_object:
            pdf_object["ID"] = pydyf.String(f"{name}-{pdf_object['ID'].string}")
        attributes = pdf_object.get("A")
        if isinstance(attributes, pydyf.Dictionary) and "Headers" in attributes:
            attributes["Headers"] = pydyf.Array(
                pydyf.String(f"{name}-{header.string}") for header in attributes["Headers"]
            )


def part_name(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()[:12]
