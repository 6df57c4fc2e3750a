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


def register(
    kind: str, *, title: str, available: Callable | None = None
) -> Callable[[Builder], Builder]:
    """Decorator: `kind` is the command-line and URL name, `title` what people read, and
    `available(case)` says whether the case has this document yet (always, by default)."""

    def decorator(builder: Builder) -> Builder:
        _builders[kind] = builder
        _titles[kind] = title
        if available is not None:
            _available[kind] = available
        return builder

    return decorator


def kinds() -> list[str]:
    return sorted(_builders)


def choices(case=None) -> list[tuple[str, str]]:
    """(kind, title) of the documents a case has (all kinds when no case is given)."""
    return [
        (kind, _titles[kind])
        for kind in kinds()
        if case is None or kind not in _available or _available[kind](case)
    ]


def build(kind: str, case, **options) -> Document:
    try:
        builder = _builders[kind]
    except KeyError:
        raise LookupError(f"Unknown document kind '{kind}'. Known: {', '.join(kinds())}") from None
    return builder(case, **options)
