"""The procedure's flow (Appendix A) as a picture, with a case's stage highlighted.

Computes boxes and arrows; the template only draws them.
"""

from dataclasses import dataclass

from scr.cases.stages import MAIN_ROUTE, SIDE_ROUTES, Stage

BOX_W, BOX_H, GAP = 250, 30, 14
MAIN_X, SIDE_X, TOP = 10, 330, 10
# The side routes leave the main route from these stages (section 3 last paragraph; 7).
SIDE_EXITS = (Stage.WITH_CHAIR, Stage.PANEL_RECOMMENDED)


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


def flow_picture(current: str) -> dict:
    current = Stage(current)
    position = MAIN_ROUTE.index(current) if current in MAIN_ROUTE else None
    boxes, arrows = [], []
    for index, stage in enumerate(MAIN_ROUTE):
        if position is None:
            # Off the route: the steps up to the exit were taken; the rest never happen.
            state = "done" if index <= MAIN_ROUTE.index(Stage.WITH_CHAIR) else "todo"
        else:
            state = "done" if index < position else "current" if index == position else "todo"
        y = TOP + index * (BOX_H + GAP)
        boxes.append(Box(stage, MAIN_X, y, state))
        if index:
            arrows.append(Arrow(MAIN_X + BOX_W // 2, y - GAP, MAIN_X + BOX_W // 2, y - 2))
    exit_ys = [TOP + MAIN_ROUTE.index(s) * (BOX_H + GAP) for s in SIDE_EXITS]
    for offset, stage in enumerate(SIDE_ROUTES):
        y = exit_ys[0] + offset * (BOX_H + GAP) * 2
        boxes.append(Box(stage, SIDE_X, y, "current" if stage == current else "off-route"))
        for exit_y in exit_ys:
            arrows.append(
                Arrow(MAIN_X + BOX_W, exit_y + BOX_H // 2, SIDE_X - 2, y + BOX_H // 2, side=True)
            )
    height = TOP * 2 + len(MAIN_ROUTE) * (BOX_H + GAP)
    return {
        "boxes": boxes,
        "arrows": arrows,
        "width": SIDE_X + BOX_W + MAIN_X,
        "height": height,
        "box_w": BOX_W,
        "box_h": BOX_H,
        "current_label": current.label,
    }
