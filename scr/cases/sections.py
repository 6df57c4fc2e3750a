"""Sections that stage apps add to the case page (the core never imports them).

A section is a function (case, user, perms) returning (template, context) to include
on the case page, or None when it has nothing for this user.
"""

from collections.abc import Callable

from scr.registry import Registry, function_key

Section = Callable[..., tuple[str, dict] | None]
_sections = Registry("Sections of the case page")


def register(section: Section) -> Section:
    return _sections.register(function_key(section), section)


def for_case(case, user, perms) -> list[tuple[str, dict]]:
    return [
        part for section in _sections.values() if (part := section(case, user, perms)) is not None
    ]
