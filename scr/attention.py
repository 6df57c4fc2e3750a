"""'Needs your attention': one registry of what is waiting for each user.

Each stage registers a provider, a function from a user to the items waiting for
them; the home page lists them all, soonest first. No stage edits the home view.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from scr.registry import Registry, function_key


@dataclass(frozen=True)
class AttentionItem:
    case_reference: str
    title: str
    url: str
    due: date | None = None
    hint: str = ""


Provider = Callable[[object], Iterable[AttentionItem]]
_providers = Registry("Needs your attention")


def register(provider: Provider) -> Provider:
    """Decorator: add a provider (idempotent, so a module imported twice registers once)."""
    return _providers.register(function_key(provider), provider)


def items_for(user) -> list[AttentionItem]:
    items = [item for provider in _providers.values() for item in provider(user)]
    return sorted(items, key=lambda i: (i.due is None, i.due or date.max, i.case_reference))
