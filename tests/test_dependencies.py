"""Dependencies are honest: what the code imports is declared in pyproject.toml, and what
is declared is used (issue 16, item 11). A package that arrives only because another one
needs it today can leave with that package's next release, and the import then fails in
production, not in a review."""

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
OURS = {"scr", "referrals", "panel", "imr", "overview", "actionplans", "bench", "tests"}

# The service itself: every package setuptools ships, and manage.py.
SERVICE = [ROOT / name for name in ("scr", "referrals", "panel", "imr", "overview", "actionplans")]
# Tools beside it, each with the extra it is installed with.
TOOLS = {
    "bench": [ROOT / "bench"],
    "test": [ROOT / "bin" / "guide-screenshots"],
}

# Declared but imported by no module: each one says what uses it instead.
USED_WITHOUT_IMPORT = {
    "gunicorn": "the web server the Dockerfile starts",
    "psycopg2-binary": "Django's PostgreSQL driver, chosen by DATABASE_URL",
    "django-storages": "the storage settings.py names when PRIVATE_STORAGE=s3",
    "redis": "Django's Redis cache (CACHE_URL=redis://...) and Celery's broker",
}


def _declared(*extras: str) -> set[str]:
    lines = list(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        lines += PYPROJECT["project"]["optional-dependencies"][extra]
    return {canonicalize_name(Requirement(line).name) for line in lines}


def _python_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def _imported(files: list[Path]) -> dict[str, str]:
    """Top-level third-party module -> the first file importing it (absolute imports only;
    a relative import is always ours)."""
    found: dict[str, str] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in OURS:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _named_in_settings() -> dict[str, str]:
    """Modules Django imports by dotted name from the settings."""
    names = [
        *settings.INSTALLED_APPS,
        *settings.MIDDLEWARE,
        *settings.AUTHENTICATION_BACKENDS,
        *(store["BACKEND"] for store in settings.STORAGES.values()),
    ]
    return {
        name.partition(".")[0]: f"settings: {name}"
        for name in names
        if name.partition(".")[0] not in sys.stdlib_module_names | OURS | {"django"}
    }


def _undeclared(imported: dict[str, str], declared: set[str]) -> list[str]:
    distributions = packages_distributions()
    missing = []
    for module, where in sorted(imported.items()):
        # A module not installed here (an extra this venv lacks) is matched by its name.
        providers = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not providers & declared:
            missing.append(f"{module} ({where}) comes from {sorted(providers) or 'nothing'}")
    return missing


def test_the_service_imports_only_what_pyproject_declares():
    imported = _imported(_python_files([*SERVICE, ROOT / "manage.py"])) | _named_in_settings()
    assert _undeclared(imported, _declared()) == []


def test_each_tool_imports_only_what_its_extra_declares():
    for extra, paths in TOOLS.items():
        assert _undeclared(_imported(_python_files(paths)), _declared(extra)) == [], extra


def test_every_declared_dependency_is_used():
    distributions = packages_distributions()
    imported = _imported(_python_files([*SERVICE, ROOT / "manage.py"])) | _named_in_settings()
    used = {canonicalize_name(d) for module in imported for d in distributions.get(module, [])}
    unused = _declared() - used - set(USED_WITHOUT_IMPORT)
    assert unused == set()
