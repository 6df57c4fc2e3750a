"""The kinds of document the service produces. Each stage registers its own.

A builder takes a case and options and returns a Document: which template, with
what context, under which classification. scr.documents.render turns it into a PDF.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


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
_builders: dict[str, Builder] = {}
_titles: dict[str, str] = {}
_available: dict[str, Callable] = {}
_own_page: set[str] = set()


def register(
    kind: str, *, title: str, available: Callable | None = None, own_page: bool = False
) -> Callable[[Builder], Builder]:
    """Decorator: `kind` is the command-line and URL name, `title` what people read, and
    `available(case)` says whether the case has this document yet (always, by default).

    own_page=True: the stage serves the document from its own page, with its own reading
    rules (an IMR, the confidential overview, the summary before its release); the case
    page neither lists it nor renders it for everyone who sees the case."""

    def decorator(builder: Builder) -> Builder:
        _builders[kind] = builder
        _titles[kind] = title
        if available is not None:
            _available[kind] = available
        if own_page:
            _own_page.add(kind)
        return builder

    return decorator


def case_page_kinds() -> list[str]:
    """The documents the case page offers to everyone who sees the case in full."""
    return [kind for kind in kinds() if kind not in _own_page]


def kinds() -> list[str]:
    return sorted(_builders)


def choices(case=None) -> list[tuple[str, str]]:
    """(kind, title) of the documents a case has (all kinds when no case is given)."""
    return [
        (kind, _titles[kind])
        for kind in kinds()
        if case is None or kind not in _available or _available[kind](case)
    ]


def case_page_choices(case) -> list[tuple[str, str]]:
    """choices(case) less the documents served from a stage's own page (whose
    availability is not even asked: it costs a query)."""
    return [
        (kind, _titles[kind])
        for kind in case_page_kinds()
        if kind not in _available or _available[kind](case)
    ]


def build(kind: str, case, **options) -> Document:
    try:
        builder = _builders[kind]
    except KeyError:
        raise LookupError(f"Unknown document kind '{kind}'. Known: {', '.join(kinds())}") from None
    return builder(case, **options)
