"""Writes only in services (STYLE.md 2 and 7): no module of the core or of a stage writes a
model row unless it is a service module (`services.py`, `<noun>_services.py`), a
migration, a management command, the demo, or is listed in ALLOWED with the reason.

A write is a call of `.save()`, `.delete()` (neither with a positional argument: a
workbook's save(buffer) or a storage's delete(name) is not a row), `.create(`,
`.get_or_create(`, `.update_or_create(`, `.bulk_create(`, `.bulk_update(`, `.update(` on a
QuerySet or a manager (`X.objects.filter(...).update(...)`; a dict's update is not), and
guardian's `assign_perm` and `remove_perm`. The scan reads the code; it cannot follow a
QuerySet kept in a variable and updated later, which review has to catch.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scr", "referrals", "panel", "imr", "overview", "actionplans")

ALWAYS = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
NO_POSITIONAL = {"save", "delete"}
QUERYSETS = {
    "all",
    "filter",
    "exclude",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "order_by",
    "only",
    "defer",
    "using",
}
FUNCTIONS = {"assign_perm", "remove_perm"}

# Modules that write outside a service module, each with the reason it may.
ALLOWED = {
    "scr/accounts/models.py": "UserManager.create_user and create_superuser: Django's "
    "manager protocol, which createsuperuser and the auth backends call",
    "scr/audit/models.py": "AuditEvent.save refuses to change a saved row (append-only); "
    "a guard, not a write of its own",
    "scr/accounts/admin.py": "the Django admin saves what its pages edit itself; "
    "NewPersonForm.save is the admin's add form, which leaves the password unusable",
    "scr/accounts/views.py": "PasswordResetForm.save sends the reset email (through the "
    "outbox) and writes no row; Django's view calls it by that name",
    "scr/documents/pipeline.py": "the cache of laid-out parts of long PDFs (DocumentPart): "
    "kept, reused and refreshed by the renderer itself, no record of the procedure",
    "scr/documents/retention.py": "prunes that same cache of laid-out parts",
    "scr/documents/bench.py": "the PDF benchmark (make bench) writes its own throwaway parts",
    "scr/cases/retention.py": "the retention sweep (17): deletes a case whose period has "
    "run out, with every stage's hook below, run by its management command",
    "referrals/retention.py": "the stage's retention hook (STYLE.md 7), called only by "
    "scr/cases/retention.py",
    "imr/retention.py": "the stage's retention hook (STYLE.md 7), called only by "
    "scr/cases/retention.py",
    "overview/retention.py": "the stage's retention hook (STYLE.md 7), called only by "
    "scr/cases/retention.py",
    "actionplans/retention.py": "the stage's retention hook (STYLE.md 7), called only by "
    "scr/cases/retention.py",
    "scr/cases/status.py": "the one way a status changes (STYLE.md 3): the helper every "
    "service calls to run a transition and write its event and audit rows",
    "scr/deadlines/reminders.py": "the reminder sweep (STYLE.md 5 and 10, the model to "
    "follow): claim rows and conditional updates are its whole job",
}


def is_service_module(path: str) -> bool:
    name = Path(path).name
    return name == "services.py" or name.endswith("_services.py")


def exempt(path: str) -> bool:
    """Where writes belong, or code that is not the product's requests: services,
    migrations, management commands, the demo (demo.py, <name>_demo.py)."""
    parts = Path(path).parts
    return (
        is_service_module(path)
        or "migrations" in parts
        or ("management" in parts and "commands" in parts)
        or "demo" in parts
        or Path(path).name == "demo.py"
        or Path(path).name.endswith("_demo.py")  # a demo of its own (overview/sar_demo.py)
    )


def _receiver_is_queryset(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "objects":
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (node.func.attr in QUERYSETS or _receiver_is_queryset(node.func.value))
    )


def writes(source: str) -> list[tuple[int, str]]:
    """(line, what) of each write in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FUNCTIONS:
            found.append((node.lineno, func.id))
        if not isinstance(func, ast.Attribute):
            continue
        name = func.attr
        if (
            name in ALWAYS
            or (name in NO_POSITIONAL and not node.args)
            or (name in NO_POSITIONAL and any(isinstance(a, ast.Starred) for a in node.args))
            or (name == "update" and _receiver_is_queryset(func.value))
        ):
            found.append((node.lineno, f".{name}("))
    return sorted(found)


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


def test_no_module_writes_outside_a_service_module_unless_allowed():
    offenders = []
    for relative, path in _modules():
        if exempt(relative) or relative in ALLOWED:
            continue
        for line, what in writes(path.read_text()):
            offenders.append(f"{relative}:{line}: {what}")
    assert not offenders, (
        "Move these writes into the stage's services (or a <noun>_services.py), or list "
        "the module in ALLOWED with the reason:\n" + "\n".join(offenders)
    )


def test_every_allowed_module_still_writes_and_says_why():
    """The lists only shrink: a module that no longer writes leaves them."""
    for relative, reason in ALLOWED.items():
        assert reason.strip(), relative
        assert writes((ROOT / relative).read_text()), f"{relative} writes nothing: remove it"


def test_the_scan_finds_a_write_planted_in_a_view():
    planted = (
        "def case_close(request, case):\n"
        "    case.status = 'closed'\n"
        "    case.save(update_fields=['status'])\n"
        "    Case.objects.filter(pk=case.pk).update(closed=True)\n"
        "    Note.objects.create(case=case)\n"
        "    context = {}\n"
        "    context.update(case=case)\n"
        "    workbook.save(buffer)\n"
    )
    assert writes(planted) == [(3, ".save("), (4, ".update("), (5, ".create(")]
    assert not exempt("imr/views.py") and exempt("imr/draft_services.py")
