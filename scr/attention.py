"""'Needs your attention': one registry of what is waiting for each user.

Each stage registers a provider, a function from a user to the items waiting for
them; the home page lists them all, soonest first. No stage edits the home view.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from scr import access
from scr.registry import Registry, function_key


@dataclass(frozen=True)
class AttentionItem:
    case_reference: str
    title: str
    url: str
    due: date | None = None
    hint: str = ""
    # The adult's name, set by items_for where the user sees the case in full.
    case_name: str = ""


Provider = Callable[[object], Iterable[AttentionItem]]
_providers = Registry("Needs your attention")


def register(provider: Provider) -> Provider:
    """Decorator: add a provider (idempotent, so a module imported twice registers once)."""
    return _providers.register(function_key(provider), provider)


def items_for(user) -> list[AttentionItem]:
    items = [item for provider in _providers.values() for item in provider(user)]
    items = _with_case_names(user, items)
    return sorted(items, key=lambda i: (i.due is None, i.due or date.max, i.case_reference))


def _with_case_names(user, items: list[AttentionItem]) -> list[AttentionItem]:
    """The adult's name on each item whose case the user sees in full (one query), as
    'My cases' shows it (scr.cases.selectors.with_names_shown); nobody else's."""
    references = {item.case_reference for item in items}
    if not references:
        return items
    names = dict(
        access.cases_visible_to(user, full=True)
        .filter(reference__in=references)
        .values_list("reference", "subject_name")
    )
    return [replace(item, case_name=names.get(item.case_reference, "")) for item in items]
