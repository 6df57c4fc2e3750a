"""Which review types a board has, and the one a new case takes."""

import copy

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from scr import access
from scr.audit.services import Action, audit_record
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.reviewtypes.definition import (
    Definition,
    DefinitionError,
    builtin,
    builtin_files,
    parse,
)
from scr.reviewtypes.models import ReviewType

DEFAULT = "scr-2009"


def _latest(board, code: str) -> ReviewType | None:
    return ReviewType.objects.filter(board=board, code=code).order_by("-version").first()


def _from_file(board, code: str) -> ReviewType:
    """The built-in type `code` as the board's row would hold it, not saved.
    KeyError: no such type."""
    data = builtin(code)
    definition = parse(data)
    return ReviewType(
        board=board,
        code=definition.code,
        version=definition.version,
        name=definition.name,
        based_on=f"{definition.code}@{definition.version}",
        definition=data,
    )


def definition_for(board, code: str = "") -> Definition:
    """What the newest version of type `code` (the board's default when empty) says, for
    the board: its own row, or the built-in file it has not copied yet. Reads only."""
    code = code or board.default_review_type or DEFAULT
    return (_latest(board, code) or _from_file(board, code)).parsed


def code_taken(board, code: str) -> bool:
    """The board already has a type under this code (copy it, or change that one)."""
    return ReviewType.objects.filter(board=board, code=code).exists()


def change_refusals(review_type: ReviewType, data: dict) -> list[str]:
    """Why `data` cannot become `review_type`'s definition: only the newest version of a
    type changes, and the service must be able to run the result."""
    newer = ReviewType.objects.filter(
        board_id=review_type.board_id, code=review_type.code, version__gt=review_type.version
    ).first()
    if newer is not None:
        return [
            f"Version {newer.version} is newer: change that one (this version is kept as it "
            "is for the cases that use it)."
        ]
    try:
        parse({**data, "code": review_type.code, "version": review_type.version})
    except DefinitionError as refused:
        return refused.problems
    return []


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
    current = _latest(board, code) or _from_file(board, code)
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
        code=current.code,
        version=current.version,
        defaults={
            "name": current.name,
            "based_on": current.based_on,
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
            types[code] = _from_file(board, code)
    return [types[code] for code in sorted(types)]


def clock_labels(board) -> tuple[list[str], dict[str, str]]:
    """The keys of the clocks of the board's default type, in order, and every clock's
    name by its key over the types the board may use (the default type's first, then the
    others' newest versions): 'Panel meets (6.1)'."""
    default = board.default_review_type or DEFAULT
    types = sorted(review_types_available(board), key=lambda t: t.code != default)
    labels: dict[str, str] = {}
    for review_type in types:
        for clock in review_type.parsed.clocks:
            labels.setdefault(clock.key, clock.display)
    default_keys = (
        [c.key for c in types[0].parsed.clocks] if types and types[0].code == default else []
    )
    return default_keys, labels


def _own_durations(data: dict, board) -> None:
    """A board's own kind of review keeps its durations in its definition: the clocks the
    2009 procedure leaves to the board's settings take the board's values of today."""
    for clock in data.get("clocks", []):
        setting = clock.pop("board_setting", "")
        if setting:
            clock["amount"] = getattr(board, setting)
            clock["working_days"] = board.working_days


def _audit(review_type: ReviewType, by, detail: str, action: str) -> None:
    audit_record(action=action, actor=by, obj=review_type, board=review_type.board, detail=detail)


@transaction.atomic
def review_type_copy(*, board, by, source: str, code: str = "", name: str = "") -> ReviewType:
    """A new type of the board's, copied from the newest version of `source` (a built-in
    type or one of the board's): under a new code, the board's own kind of review (a
    domestic abuse related death review, say); or, with no code, the board's copy of the
    built-in type. Needs the board's coordinator."""
    if not access.configures_board(by, board.pk):
        raise PermissionDenied
    current = _latest(board, source) or _from_file(board, source)
    data = copy.deepcopy(current.definition)
    code = (code or data["code"]).strip()
    if code_taken(board, code):
        raise ValidationError({"code": "The board already has a type with this code."})
    data.update(code=code, version=1)
    if code not in builtin_files():
        _own_durations(data, board)
    if name.strip():
        data["name"] = name.strip()
    try:
        definition = parse(data)
    except DefinitionError as refused:
        raise ValidationError(refused.problems) from None
    review_type = ReviewType.objects.create(
        board=board,
        code=definition.code,
        version=1,
        name=definition.name,
        based_on=f"{current.code}@{current.version}",
        definition=data,
    )
    _audit(review_type, by, f"copied from {review_type.based_on}", Action.CREATE)
    return review_type


@transaction.atomic
def review_type_change(*, review_type_id: int, by, data: dict) -> ReviewType:
    """Change a type's definition to `data`. A version no case uses yet is changed where
    it is; a version a case uses is never edited: the change becomes the next version,
    which new cases take (running cases keep theirs). Refused, changing nothing, when
    the service could not run the new definition."""
    review_type = ReviewType.objects.select_for_update().get(pk=review_type_id)
    if not access.configures_board(by, review_type.board_id):
        raise PermissionDenied
    refusals = change_refusals(review_type, data)
    if refusals:
        raise ValidationError(refusals)
    used = review_type.cases.exists()
    data = {
        **copy.deepcopy(data),
        "code": review_type.code,
        "version": review_type.version + 1 if used else review_type.version,
    }
    definition = parse(data)
    if used:
        review_type = ReviewType.objects.create(
            board=review_type.board,
            code=review_type.code,
            version=definition.version,
            name=definition.name,
            based_on=review_type.based_on,
            definition=data,
        )
        _audit(review_type, by, f"version {definition.version}: cases use the last", Action.CREATE)
    else:
        review_type.name = definition.name
        review_type.definition = data
        review_type.__dict__.pop("_parsed", None)
        review_type.__dict__.pop("_moves", None)
        review_type.save(update_fields=["name", "definition"])
        _audit(review_type, by, f"version {definition.version} changed", Action.CHANGE)
    return review_type
