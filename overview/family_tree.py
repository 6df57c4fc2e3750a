"""The outline family tree of the overview report (13.4 e), laid out.

Computes boxes, lines and groups with their coordinates from the people of the
overview; templates/overview/_family_tree.svg.html only draws them (as scr/cases/flow.py
does for the procedure's flow). Called through overview.family.family_tree().

The rules an outline tree follows: parents above the adult; the adult with brothers,
sisters and partners on one row; children below, grandchildren a row further down;
a couple joined at mid-height and their children hung from a bar in the gap above the
children's row. Lines run only in the gaps between boxes, so none crosses a person.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from imr.template import RELATIONSHIP_LABELS
from overview.models import FamilyMember
from scr.accounts.models import Agency
from scr.names import initials

BOX_W, BOX_H = 200, 94
H_GAP, V_GAP = 24, 48  # between the boxes of a row; between rows, where the lines run
MARGIN, PAD, GROUP_GAP, LABEL_H = 16, 12, 48, 44
TEXT_PAD, FIRST_LINE, LINE_H = 8, 20, 16
# What fits on a line of a box at 12px, in Arial or the wider DejaVu Sans that stands in
# for it where Arial is not installed (WeasyPrint on a server).
CHARS, BOLD_CHARS = 27, 22
OTHERS_LABEL = ("Other household members", "and significant others")

GRANDCHILD = re.compile(r"\bgrand[- ]?(child|children|daughter|son)s?\b", re.IGNORECASE)
SIBLING = re.compile(r"\b(brother|sister|sibling)s?\b", re.IGNORECASE)
IN_LAW = re.compile(r"\bin[- ]law", re.IGNORECASE)


@dataclass
class Text:
    x: int
    y: int
    text: str
    bold: bool = False


@dataclass
class Box:
    """One person: the label (name or initials), relationship, years and agencies."""

    member_id: int
    lines: list[tuple[str, bool]]
    summary: str
    is_subject: bool = False
    x: int = 0
    y: int = 0
    width: int = BOX_W
    height: int = BOX_H

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def centre(self) -> int:
        return self.x + self.width // 2

    @property
    def middle(self) -> int:
        return self.y + self.height // 2

    @property
    def stroke_width(self) -> int:
        # The adult stands out by a thick border and the words "The adult", not colour.
        return 4 if self.is_subject else 1

    @property
    def texts(self) -> list[Text]:
        return [
            Text(self.x + TEXT_PAD, self.y + FIRST_LINE + index * LINE_H, text, bold)
            for index, (text, bold) in enumerate(self.lines)
        ]


@dataclass
class Line:
    x1: int
    y1: int
    x2: int
    y2: int
    dashed: bool = False


@dataclass
class Group:
    """A labelled frame round the people outside the generations (household members
    and significant others)."""

    x: int
    y: int
    width: int
    height: int
    label: tuple[str, ...] = OTHERS_LABEL

    @property
    def texts(self) -> list[Text]:
        return [
            Text(self.x + PAD, self.y + FIRST_LINE + index * LINE_H, text, True)
            for index, text in enumerate(self.label)
        ]


@dataclass
class Tree:
    width: int
    height: int
    title: str
    description: str
    boxes: list[Box] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


def generation(member: FamilyMember) -> str:
    """Where a person goes in the tree: by the template's relationship to the adult,
    refined by the agency's own words ('Granddaughter', 'Brother')."""
    if member.is_subject:
        return "adult"
    detail = member.relationship_detail
    if GRANDCHILD.search(detail):
        return "grandchild"
    if member.relationship in ("mother", "father"):
        return "parent"
    if member.relationship in ("partner", "child"):
        return member.relationship
    if SIBLING.search(detail) and not IN_LAW.search(detail):
        return "sibling"
    return "other"


# The boxes' words -------------------------------------------------------------------------


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _short_names(members: list[FamilyMember]) -> dict[int, str]:
    """'NHS', 'Police': the kind of agency when only one agency of that kind reported,
    its name otherwise."""
    agencies = {r.agency_id: r.agency for m in members for r in m.reports.all()}
    kinds = [a.kind for a in agencies.values()]
    return {
        pk: a.get_kind_display()
        if a.kind != Agency.Kind.OTHER and kinds.count(a.kind) == 1
        else a.name
        for pk, a in agencies.items()
    }


def _name_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1}


def _scrubber(members: list[FamilyMember]):
    """For a tree without names: any word of anyone's name in free text (an agency's
    'Lodger, friend of Rosalind') becomes its initial."""
    words = set()
    for member in members:
        words |= _name_words(member.name)
        for report in member.reports.all():
            words |= _name_words(report.data.get("name") or "")
    if not words:
        return lambda text: text
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
    return lambda text: pattern.sub(lambda m: m.group(0)[0].upper() + ".", text)


def _years(member: FamilyMember) -> str:
    born, died = member.date_of_birth, member.date_of_death
    if born and died:
        return f"Born {born.year}, died {died.year}"
    if died:
        return f"Died {died.year}"
    return f"Born {born.year}" if born else "Year of birth not recorded"


def _box(member: FamilyMember, *, names: bool, short: dict[int, str], scrub) -> Box:
    label = member.name if names else initials(member.name)
    if member.is_subject:
        relation = "The adult"
    else:
        detail = scrub(member.relationship_detail.strip())
        relation = detail[:1].upper() + detail[1:] or RELATIONSHIP_LABELS.get(
            member.relationship, "Relationship not recorded"
        )
    agencies = list(dict.fromkeys(scrub(short[r.agency_id]) for r in member.reports.all()))
    reported = ", ".join(agencies) if agencies else "No agency"
    if len(reported) > CHARS and len(agencies) > 1:
        reported = f"{len(agencies)} agencies"
    years = _years(member)
    return Box(
        member_id=member.pk,
        lines=[
            (_fit(label, BOLD_CHARS), True),
            (_fit(relation, BOLD_CHARS if member.is_subject else CHARS), member.is_subject),
            (years, False),
            ("Reported by:", False),
            (_fit(reported, CHARS), False),
        ],
        # The full words, for a browser's tooltip where a line is cut short.
        summary=", ".join(
            [label, relation, years, "reported by " + ", ".join(agencies) if agencies else ""]
        ).rstrip(", "),
        is_subject=member.is_subject,
    )


# The layout -------------------------------------------------------------------------------


def _place(row: list[Box], centre: int, y: int) -> None:
    """A row of boxes centred under its line of descent."""
    x = centre - (len(row) * BOX_W + (len(row) - 1) * H_GAP) // 2
    for box in row:
        box.x, box.y = x, y
        x += BOX_W + H_GAP


def _span_centre(row: list[Box]) -> int:
    return (row[0].x + row[-1].right) // 2


def _between(a: Box, b: Box) -> tuple[int, int]:
    return (a.right + b.x) // 2, a.middle


def _middle_gap(row: list[Box]) -> tuple[int, int]:
    """Where a line leaves a row: from the gap in its middle, or below a single box."""
    if len(row) == 1:
        return row[0].centre, row[0].bottom
    return _between(row[len(row) // 2 - 1], row[len(row) // 2])


def _hang(lines: list[Line], origin, row: list[Box], dashed: bool = False) -> None:
    """Hang a row from a bar in the gap above it; the bar meets the line coming down
    from `origin` (the parents, or the couple)."""
    bar = row[0].y - V_GAP // 2
    xs = [box.centre for box in row]
    if origin is not None:
        lines.append(Line(origin[0], origin[1], origin[0], bar, dashed))
        xs.append(origin[0])
    if len(xs) > 1:
        lines.append(Line(min(xs), bar, max(xs), bar, dashed))
    lines.extend(Line(box.centre, bar, box.centre, box.y, dashed) for box in row)


def layout(members: list[FamilyMember], *, names: bool) -> Tree:
    """The tree of these people (their reports and agencies prefetched). With
    names=False no text of the tree contains a name: initials only."""
    by_pk = {m.pk: m for m in members}
    short = _short_names(members)
    scrub = (lambda text: text) if names else _scrubber(members)
    gens: dict[str, list[Box]] = {}
    for member in sorted(members, key=lambda m: (m.date_of_birth or date.max, m.pk)):
        box = _box(member, names=names, short=short, scrub=scrub)
        gens.setdefault(generation(member), []).append(box)
    # Father on the left, as genograms draw them; everyone else oldest first.
    parents = sorted(
        gens.get("parent", []), key=lambda b: by_pk[b.member_id].relationship != "father"
    )
    adults, partners = gens.get("adult", []), gens.get("partner", [])
    sibship = gens.get("sibling", []) + adults[:1]
    children, grandchildren = gens.get("child", []), gens.get("grandchild", [])
    others = gens.get("other", [])
    # A second partner goes on the adult's other side, so each is joined to the adult
    # alone; a third and more continue outwards.
    right_partners, left_partners = partners[0::2], partners[1::2][::-1]
    adult_row = gens.get("sibling", []) + left_partners + adults[:1] + right_partners + adults[1:]
    rows = [row for row in (parents, adult_row, children, grandchildren) if row]
    y = {id(row): MARGIN + index * (BOX_H + V_GAP) for index, row in enumerate(rows)}

    # Each row is centred under its line of descent; the block is shifted right at the end.
    adult = adults[0] if adults else None
    if adult_row:
        _place(adult_row, 0, y[id(adult_row)])
    if parents:
        _place(parents, _span_centre(sibship) if sibship else 0, y[id(parents)])
    couple = None
    if adult:
        couple = _between(adult, partners[0]) if partners else (adult.centre, adult.bottom)
    if children:
        _place(children, couple[0] if couple else 0, y[id(children)])
    if grandchildren:
        centre = _span_centre(children) if children else couple[0] if couple else 0
        _place(grandchildren, centre, y[id(grandchildren)])
    main = [box for row in rows for box in row]
    shift = MARGIN - min((box.x for box in main), default=MARGIN)
    for box in main:
        box.x += shift
    if couple:
        couple = (couple[0] + shift, couple[1])
    right = max((box.right for box in main), default=0)
    bottom = max((box.bottom for box in main), default=0)

    lines: list[Line] = []
    if adult and right_partners:
        lines.append(Line(adult.right, adult.middle, right_partners[-1].x, adult.middle))
    if adult and left_partners:
        lines.append(Line(left_partners[0].right, adult.middle, adult.x, adult.middle))
    if len(parents) > 1:
        lines.append(Line(parents[0].right, parents[0].middle, parents[-1].x, parents[0].middle))
    if parents and sibship:
        _hang(lines, _middle_gap(parents), sibship)
    elif len(sibship) > 1:
        _hang(lines, None, sibship)
    if children:
        _hang(lines, couple, children)
    if grandchildren:
        # Which child is the parent is not recorded: dashed, from the children's line.
        if len(children) > 1:
            origin = (_middle_gap(children)[0], children[0].y - V_GAP // 2)
        else:
            origin = (children[0].centre, children[0].bottom) if children else couple
        _hang(lines, origin, grandchildren, dashed=True)

    groups = []
    if others:
        group = _group(others, right + GROUP_GAP if main else MARGIN)
        groups.append(group)
        right, bottom = group.x + group.width, max(bottom, group.y + group.height)
    return Tree(
        width=right + MARGIN,
        height=max(bottom, MARGIN) + MARGIN,
        title="Outline family tree of the adult",
        description=_description(
            parents, gens.get("sibling", []), partners, children, grandchildren, others
        ),
        boxes=main + others,
        lines=lines,
        groups=groups,
    )


def _group(others: list[Box], left: int) -> Group:
    """The people outside the generations, in a grid of up to three columns so that a
    large household grows the tree downwards rather than sideways."""
    columns = 1 if len(others) == 1 else 2 if len(others) <= 8 else 3
    for index, box in enumerate(others):
        box.x = left + PAD + (index % columns) * (BOX_W + H_GAP)
        box.y = MARGIN + LABEL_H + PAD + (index // columns) * (BOX_H + PAD)
    count = (len(others) + columns - 1) // columns
    return Group(
        left,
        MARGIN,
        columns * BOX_W + (columns - 1) * H_GAP + 2 * PAD,
        LABEL_H + 2 * PAD + count * BOX_H + (count - 1) * PAD,
    )


KINDS = [
    ("parent", "parents"),
    ("brother or sister", "brothers and sisters"),
    ("partner", "partners"),
    ("child", "children"),
    ("grandchild", "grandchildren"),
    (
        "other household member or significant other",
        "other household members and significant others",
    ),
]


def _description(*groups: list[Box]) -> str:
    """The <desc> of the picture: counts only, never names."""
    counts = [
        f"{len(boxes)} {one if len(boxes) == 1 else many}"
        for boxes, (one, many) in zip(groups, KINDS, strict=True)
        if boxes
    ]
    people = ", ".join(counts) if counts else "no other people reported"
    return (
        f"The adult, with {people}. Each box gives the person's relationship to the adult, "
        "year of birth and the agencies that reported them; the adult's box has a thick "
        "border and says 'The adult'. The list of people that follows gives the same "
        "information."
    )
