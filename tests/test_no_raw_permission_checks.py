"""Nothing tests a permission by hand outside the access modules (issue 16, item 2).

The rules of "may this user do X" live in scr/access.py (the primitives) and each stage's
access.py (that stage's rules, named for what they allow: `may_approve_summary(perms)`).
A view, service, template or case section that writes `CasePerm.DECIDE in perms` instead
holds a copy of a rule nobody will find when the rule changes. This test reads the source.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ("scr", "referrals", "panel", "imr", "overview", "actionplans")

# A permission or a role held in a set, tested by hand: `CasePerm.X in perms`,
# `perms & {...}`, `IMR_AUTHOR not in roles`, `roles & IMR_TEAM`, `board_roles & {...}`.
RAW_CHECKS = re.compile(
    r"CasePerm\.\w+\s+(?:not\s+)?in\b"
    r"|\bperms(?:\[[^\]]*\])?\s*&|&\s*perms\b"
    r"|\b(?:IMR|PLAN)_[A-Z]+\s+(?:not\s+)?in\b"
    r"|\broles\s*&|&\s*(?:\w+\.)?(?:IMR|PLAN)_[A-Z]+\b"
    r"|\bboard_roles\s*&"
    r"|has_board_role\("
)


def _checked_files() -> list[Path]:
    files = []
    for folder in SOURCE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or path.name == "access.py":
                continue
            files.append(path)
    return files + sorted((ROOT / "templates").rglob("*.html"))


# Where a role is held, not tested: the user model answers has_board_role itself.
OWNERS = {"scr/accounts/models.py"}


def raw_checks(text: str) -> list[str]:
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if RAW_CHECKS.search(line)
    ]


def test_the_pattern_finds_a_raw_check():
    # Otherwise the test below would look for nothing.
    for line in (
        "    chair = CasePerm.DECIDE in perms",
        "    if CasePerm.MANAGE not in perms[case.pk]:",
        "    board_side = bool(perms & {CasePerm.MANAGE, CasePerm.DECIDE})",
        "    if imr_access.IMR_AUTHOR not in roles:",
        "    team = bool(roles & imr_access.IMR_TEAM)",
        "    if not user.board_roles & {Role.COORDINATOR}:",
        "    if user.has_board_role(Role.COORDINATOR):",
    ):
        assert raw_checks(line), line
    assert not raw_checks("    chair = overview_access.may_approve_summary(perms)")
    assert not raw_checks("    case = access.case_for_user(by, case_id, CasePerm.DECIDE)")


def test_no_permission_is_tested_by_hand_outside_the_access_modules():
    found = [
        f"{path.relative_to(ROOT)}:{hit}"
        for path in _checked_files()
        if str(path.relative_to(ROOT)) not in OWNERS
        for hit in raw_checks(path.read_text())
    ]
    assert found == [], "Ask a named rule of an access module instead:\n" + "\n".join(found)
