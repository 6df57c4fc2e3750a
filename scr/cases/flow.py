"""The procedure's flow (Appendix A) as a picture, with a case's stage highlighted: the
stages of the case's review type, in the type's order (docs/review-types.md, slice 3).

Computes boxes and arrows; the template only draws them.
"""

from dataclasses import dataclass

from scr.cases.stages import MAIN_ROUTE, SIDE_ROUTES, Stage, stage_words

BOX_W, BOX_H, GAP = 250, 30, 14
MAIN_X, SIDE_X, TOP = 10, 330, 10


@dataclass
class Box:
    stage: Stage
    x: int
    y: int
    state: str  # "done", "current", "todo" or "off-route"

    @property
    def label(self) -> str:
        return self.stage.label.replace("Not a Serious Case Review: other review", "Other review")

    @property
    def text_x(self) -> int:
        return self.x + BOX_W // 2

    @property
    def text_y(self) -> int:
        return self.y + BOX_H // 2 + 5


@dataclass
class Arrow:
    x1: int
    y1: int
    x2: int
    y2: int
    side: bool = False
    head: bool = True


def _routes(stages, moves) -> tuple[list[Stage], list[Stage], list[Stage]]:
    """A type's stages as the picture lays them out: the main route in order, the side
    routes (another review, declined), and the stages the side routes leave from.
    Without a type: the 2009 procedure (section 3 last paragraph; 7)."""
    if stages is None:
        main, sides = list(MAIN_ROUTE), list(SIDE_ROUTES)
        return main, sides, [Stage.WITH_CHAIR, Stage.PANEL_RECOMMENDED]
    main = [Stage(s) for s in stages if s not in SIDE_ROUTES]
    sides = [Stage(s) for s in stages if s in SIDE_ROUTES]
    exits = [s for s in main if any(a == s and b in sides for a, b in moves)]
    return main, sides, exits


def flow_picture(current: str, left_from: str | None = None, review_type=None) -> dict:
    """Boxes and arrows of the procedure with `current` highlighted: the stages of the
    case's `review_type` (the 2009 procedure's without one). For a case off the route,
    `left_from` is the stage it left the route from."""
    current = Stage(current)
    definition = review_type.parsed if review_type is not None else None
    main_route, side_routes, side_exits = _routes(
        definition and definition.stages, definition and definition.moves
    )
    position = main_route.index(current) if current in main_route else None
    exit_index = main_route.index(Stage(left_from)) if left_from in main_route else 1
    boxes, arrows = [], []
    for index, stage in enumerate(main_route):
        if position is None:
            # Off the route: the steps up to the exit were taken; the rest never happen.
            state = "done" if index <= exit_index else "off-route"
        else:
            state = "done" if index < position else "current" if index == position else "todo"
        y = TOP + index * (BOX_H + GAP)
        boxes.append(Box(stage, MAIN_X, y, state))
        if index:
            arrows.append(Arrow(MAIN_X + BOX_W // 2, y - GAP, MAIN_X + BOX_W // 2, y - 2))
    # The side routes hang off one vertical line between the columns, so no arrows cross.
    mid = BOX_H // 2
    exit_ys = [TOP + main_route.index(s) * (BOX_H + GAP) + mid for s in side_exits]
    first = exit_ys[0] - mid if exit_ys else TOP
    side_ys = [first + offset * (BOX_H + GAP) * 2 for offset in range(len(side_routes))]
    bus_x = (MAIN_X + BOX_W + SIDE_X) // 2
    for exit_y in exit_ys:
        arrows.append(Arrow(MAIN_X + BOX_W, exit_y, bus_x, exit_y, side=True, head=False))
    bus_ys = exit_ys + [y + mid for y in side_ys]
    if exit_ys and side_ys:
        arrows.append(Arrow(bus_x, min(bus_ys), bus_x, max(bus_ys), side=True, head=False))
    for stage, y in zip(side_routes, side_ys, strict=True):
        boxes.append(Box(stage, SIDE_X, y, "current" if stage == current else "off-route"))
        arrows.append(Arrow(bus_x, y + mid, SIDE_X - 2, y + mid, side=True))
    height = TOP * 2 + len(main_route) * (BOX_H + GAP)
    return {
        "boxes": boxes,
        "arrows": arrows,
        "width": SIDE_X + BOX_W + MAIN_X,
        "height": height,
        "box_w": BOX_W,
        "box_h": BOX_H,
        "current_label": stage_words(current, review_type and review_type.wording),
    }
