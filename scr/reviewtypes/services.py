"""Which review types a board has, and the one a new case takes."""

from django.core.exceptions import ValidationError
from django.db import transaction

from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.reviewtypes.definition import Definition, builtin, builtin_files, parse
from scr.reviewtypes.models import ReviewType

DEFAULT = "scr-2009"


def _latest(board, code: str) -> ReviewType | None:
    return ReviewType.objects.filter(board=board, code=code).order_by("-version").first()


def not_runnable(definition: Definition) -> list[str]:
    """Why no case of this type can start yet: stages the service has no screens for,
    moves the case's state machine does not offer (docs/review-types.md slices 3, 5, 6)."""
    transitions = Case._meta.get_field("stage").get_all_transitions(Case)
    offered = {(t.source, t.target) for t in transitions}
    missing = [s for s in definition.stages if s not in Stage.values]
    problems = [f"no screens yet for the stage {s}" for s in missing]
    problems += [
        f"no way yet to move a case from {a} to {b}"
        for a, b in definition.moves
        if (a, b) not in offered and a not in missing and b not in missing
    ]
    return problems


@transaction.atomic
def review_type_for(board, code: str = "") -> ReviewType:
    """The newest version of type `code` (the board's default when empty) on `board`,
    copied from the built-in file the first time the board uses it. ValidationError when
    the service cannot run a case of that type yet."""
    code = code or board.default_review_type or DEFAULT
    current = _latest(board, code)
    if current is None:
        data = builtin(code)  # KeyError: no such type
        current = ReviewType(board=board, definition=data)
    definition = current.parsed
    problems = not_runnable(definition)
    if problems:
        raise ValidationError(
            f"A {definition.name} cannot be started yet: " + "; ".join(problems) + "."
        )
    if current.pk is not None:
        return current
    review_type, _ = ReviewType.objects.get_or_create(
        board=board,
        code=definition.code,
        version=definition.version,
        defaults={
            "name": definition.name,
            "based_on": f"{definition.code}@{definition.version}",
            "definition": current.definition,
        },
    )
    return review_type


def review_types_available(board) -> list[ReviewType]:
    """The newest version of every type the board may start a case of: its own rows and
    the built-in types it has not copied yet (unsaved rows), by code."""
    types = {}
    for row in ReviewType.objects.filter(board=board).order_by("code", "-version"):
        types.setdefault(row.code, row)
    for code in builtin_files():
        if code not in types:
            data = builtin(code)
            definition = parse(data)
            types[code] = ReviewType(
                board=board,
                code=code,
                version=definition.version,
                name=definition.name,
                based_on=f"{code}@{definition.version}",
                definition=data,
            )
    return [types[code] for code in sorted(types)]
