"""The kinds of document the service produces. Each stage registers its own.

A builder takes a case and options and returns a Document: which template, with
what context, under which classification. scr.documents.render turns it into a PDF.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from scr.registry import Registry


class Classification:
    CONFIDENTIAL = "STRICTLY CONFIDENTIAL"
    PUBLIC = "PUBLIC"


@dataclass
class Document:
    template: str
    title: str
    classification: str
    case_reference: str
    context: dict = field(default_factory=dict)
    version: str = "1"
    filename: str = "document.pdf"


Builder = Callable[..., Document]


@dataclass(frozen=True)
class Kind:
    builder: Builder
    title: str
    available: Callable | None = None
    own_page: bool = False


_kinds = Registry("Kinds of document")


def register(
    kind: str, *, title: str, available: Callable | None = None, own_page: bool = False
) -> Callable[[Builder], Builder]:
    """Decorator: `kind` is the command-line and URL name, `title` what people read, and
    `available(case)` says whether the case has this document yet (always, by default).

    own_page=True: the stage serves the document from its own page, with its own reading
    rules (an IMR, the confidential overview, the summary before its release); the case
    page neither lists it nor renders it for everyone who sees the case."""

    def decorator(builder: Builder) -> Builder:
        _kinds.register(kind, Kind(builder, title, available, own_page))
        return builder

    return decorator


def _has(kind: str, case) -> bool:
    available = _kinds.get(kind).available
    return available is None or available(case)


def case_page_kinds() -> list[str]:
    """The documents the case page offers to everyone who sees the case in full."""
    return [kind for kind in kinds() if not _kinds.get(kind).own_page]


def kinds() -> list[str]:
    return sorted(_kinds)


def choices(case=None) -> list[tuple[str, str]]:
    """(kind, title) of the documents a case has (all kinds when no case is given)."""
    return [(kind, _kinds.get(kind).title) for kind in kinds() if case is None or _has(kind, case)]


def case_page_choices(case) -> list[tuple[str, str]]:
    """choices(case) less the documents served from a stage's own page (whose
    availability is not even asked: it costs a query)."""
    return [(kind, _kinds.get(kind).title) for kind in case_page_kinds() if _has(kind, case)]


def build(kind: str, case, **options) -> Document:
    found = _kinds.get(kind)
    if found is None:
        raise LookupError(f"Unknown document kind '{kind}'. Known: {', '.join(kinds())}")
    return found.builder(case, **options)
