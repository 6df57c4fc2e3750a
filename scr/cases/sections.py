"""Sections that stage apps add to the case page (the core never imports them).

A section is a function (case, user, perms) returning (template, context) to include
on the case page, or None when it has nothing for this user.
"""

from collections.abc import Callable

Section = Callable[..., tuple[str, dict] | None]
_sections: list[Section] = []


def register(section: Section) -> Section:
    if section not in _sections:
        _sections.append(section)
    return section


def for_case(case, user, perms) -> list[tuple[str, dict]]:
    return [part for section in _sections if (part := section(case, user, perms)) is not None]
