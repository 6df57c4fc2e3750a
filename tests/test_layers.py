"""The core names no stage app, not even in a string (issue 16, item 1).

import-linter (`lint-imports`, [tool.importlinter] in pyproject.toml) holds the imports:
the core imports no stage, a stage only earlier stages. A string gets past it: a model
label (`apps.get_model("imr.Imr")`), a dotted path (a task in the settings), a URL name
(`{% url 'actionplans:monitoring' %}`), a URL path or a URL argument that only a stage's
pages have. The stages plug in through scr.registry instead; this test finds the strings.
"""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("referrals", "panel", "imr", "overview", "actionplans")
# The core's templates: the top level and the folders of the core's apps.
CORE_TEMPLATES = ("accounts", "admin", "cases", "deadlines", "documents", "guide", "includes")

# A stage by name, a dotted path or model label in it, its URL namespace, its URL path.
_STAGE = "|".join(STAGES)
NAMES_A_STAGE = re.compile(
    rf"^(?:{_STAGE})$"  # the app
    rf"|^(?:{_STAGE})(?:\.[A-Za-z_]\w*)+$"  # a dotted path, a model label: imr.tasks.x, imr.Imr
    rf"|^(?:{_STAGE}):[\w-]+$"  # a URL name: actionplans:monitoring
    rf"|^/(?:{_STAGE})/"  # a URL path
)
IN_A_TEMPLATE = re.compile(rf"""['"](?:{_STAGE}):[\w-]+['"]|["']/(?:{_STAGE})/""")

# Nothing is left: the stages' rules left scr/access.py (issue 16, item 2) and the bulk
# seeding left the core for bench/scale (item 9). A string naming a stage found in the
# core fails the test: it goes into a registry (scr.registry) instead. This list may only
# shrink (test_the_allow_list_only_shrinks).
ALLOWED: set[tuple[str, str]] = set()


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _installed_apps(tree: ast.AST) -> set[int]:
    """The INSTALLED_APPS list of the settings: Django has to be told which apps exist."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "INSTALLED_APPS"
            for target in node.targets
        ):
            return {id(element) for element in ast.walk(node.value)}
    return set()


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    skip = _docstrings(tree) | _installed_apps(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def _url_arguments(patterns, stage: str | None = None, found=None) -> dict[str, set]:
    """Each URL argument name -> the apps whose pages have it (None: the core's)."""
    found = {} if found is None else found
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            owner = module.partition(".")[0]
            inner = owner if owner in STAGES else stage
            _url_arguments(pattern.url_patterns, inner, found)
            names = pattern.pattern.regex.groupindex
        elif isinstance(pattern, URLPattern):
            names = pattern.pattern.regex.groupindex
        else:
            continue
        for name in names:
            found.setdefault(name, set()).add(stage)
    return found


def stage_url_arguments() -> set[str]:
    """URL argument names that only the stages' pages have."""
    return {
        name
        for name, owners in _url_arguments(get_resolver().url_patterns).items()
        if None not in owners
    }


def core_python() -> list[Path]:
    return [
        path
        for path in sorted((ROOT / "scr").rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


def names_a_stage(text: str, arguments: set[str]) -> bool:
    return bool(NAMES_A_STAGE.search(text)) or text in arguments


def _arguments_for(path: Path, arguments: set[str]) -> set[str]:
    """The stages' URL argument names, for a module that reads the arguments of a resolved
    URL (the audit middleware); elsewhere 'number' or 'agency_id' are everyday names."""
    source = path.read_text()
    return arguments if "resolver_match" in source and ".kwargs" in source else set()


def test_the_stages_have_url_arguments_of_their_own():
    # Otherwise the check below would look for nothing.
    arguments = stage_url_arguments()
    assert {"referral_id", "part", "rec_id"} <= arguments
    assert "reference" not in arguments  # the core's case pages have it too


def _found() -> set[tuple[str, str]]:
    arguments = stage_url_arguments()
    return {
        (str(path.relative_to(ROOT)), text)
        for path in core_python()
        for text in _strings(path)
        if names_a_stage(text, _arguments_for(path, arguments))
    }


def test_the_core_names_no_stage_in_a_string():
    assert _found() - ALLOWED == set()


def test_the_allow_list_only_shrinks():
    """Every allowed pair is still there: once moved, it leaves the list."""
    assert ALLOWED - _found() == set()


def test_the_core_templates_name_no_stage():
    folders = [ROOT / "templates" / name for name in CORE_TEMPLATES]
    files = sorted((ROOT / "templates").glob("*.html"))
    files += [path for folder in folders for path in sorted(folder.rglob("*.html"))]
    found = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in files
        for match in IN_A_TEMPLATE.finditer(path.read_text())
    ]
    assert found == []


def test_the_settings_name_stages_only_as_installed_apps():
    # The one place the core lists the stages: what Django loads.
    assert [app for app in settings.INSTALLED_APPS if app in STAGES] == list(STAGES)
