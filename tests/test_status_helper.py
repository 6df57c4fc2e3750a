"""Issue 16 item 3: one way to change a status. scr.cases.status.status_change is the only
code that writes the status of the models below: their FSM fields are protected (no
assignment), the suite watches every save of them (tests/conftest.py), and a scan of the
source finds no transition called, and no status written by a queryset, anywhere else."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from scr.audit.models import AuditEvent
from scr.cases import status
from scr.cases.models import Case, CaseEvent

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ["scr", "referrals", "panel", "imr", "overview", "actionplans", "bench"]
HELPER = ROOT / "scr" / "cases" / "status.py"

# Every status the procedure cares about (issue 16 item 3).
REQUIRED = {
    "cases.Case",
    "referrals.Referral",
    "imr.Imr",
    "overview.Overview",
    "overview.ExecutiveSummary",
    "deadlines.Extension",
    "actionplans.ActionPlan",
    "actionplans.Evidence",
    "actionplans.ChairLetter",
}

# Transition names that are also everyday methods, each with its reason. The suite's watch
# on saves (tests/conftest.py) still catches a transition of that name run elsewhere.
NOT_A_TRANSITION = {
    "close": "files, sockets and connections close(); Case.close runs in case_transition",
}


def _status_models() -> dict[str, tuple[type, str, set[str]]]:
    return {
        model._meta.label: (
            model,
            field,
            {t.name for t in model._meta.get_field(field).get_all_transitions(model)},
        )
        for model, field in status.status_fields()
    }


def _modules():
    for top in SOURCE:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts or path == HELPER:
                continue
            yield path, ast.parse(path.read_text(), filename=str(path))


def _root_name(node) -> str:
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def test_every_status_of_the_procedure_changes_only_through_the_helper():
    models = _status_models()
    assert set(models) >= REQUIRED, f"not yet protected FSM fields: {REQUIRED - set(models)}"
    watched = {model._meta.label for model in status._WATCHED}
    assert watched == set(models), "tests/conftest.py watches every protected status field"


def test_no_code_calls_a_transition_or_writes_a_status_itself():
    models = _status_models()
    transitions = set().union(*(names for _, _, names in models.values()))
    classes = {model.__name__: field for model, field, _ in models.values()}
    found = []
    for path, tree in _modules():
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            # imr.submit_report(): a transition run without its event row.
            if (
                isinstance(func, ast.Attribute)
                and func.attr in transitions
                and not node.args
                and not node.keywords
                and func.attr not in NOT_A_TRANSITION
            ):
                found.append(f"{where}:{node.lineno} calls .{func.attr}()")
            # Imr.objects.filter(...).update(status=...), Imr(status=...), .create(status=...)
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            root = _root_name(func)
            field = classes.get(root)
            if field and name in {"update", root, "create", "get_or_create", "update_or_create"}:
                keywords = {k.arg for k in node.keywords}
                for k in node.keywords:
                    if k.arg == "defaults" and isinstance(k.value, ast.Dict):
                        keywords |= {getattr(key, "value", None) for key in k.value.keys}
                if field in keywords and not where.startswith("bench/"):
                    found.append(f"{where}:{node.lineno} writes {root}.{field} itself")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_the_helper_writes_the_status_its_event_and_its_audit_row(new_case, lead_a):
    before = AuditEvent.objects.count()
    case = Case.objects.get(pk=new_case.pk)
    event = status.status_change(case, "send_to_chair", by=lead_a, note="  Endorsed.  ")
    assert isinstance(event, CaseEvent)
    assert (event.from_stage, event.to_stage, event.actor, event.note) == (
        "referral_received",
        "with_chair",
        lead_a,
        "Endorsed.",
    )
    assert Case.objects.get(pk=case.pk).stage == "with_chair"
    audit = AuditEvent.objects.order_by("pk")[before:]
    assert [a.detail for a in audit] == ["referral_received -> with_chair"]
    assert [s.transition for s in status.status_events(case)] == ["send_to_chair"]


@pytest.mark.django_db
def test_the_helper_refuses_a_step_not_open_and_changes_nothing(new_case, chair):
    case = Case.objects.get(pk=new_case.pk)
    with pytest.raises(status.StatusRefused):
        status.status_change(case, "close", by=chair)
    with pytest.raises(ValidationError, match="Not now"):
        status.status_change(case, "close", by=chair, refused="Not now")
    assert Case.objects.get(pk=case.pk).stage == "referral_received"
    assert not CaseEvent.objects.filter(case=case).exists()
    with pytest.raises(ValueError):
        status.status_change(case, "save", by=chair)


@pytest.mark.django_db
def test_a_status_written_some_other_way_fails_the_test_that_ran_it(board, new_case):
    case = Case.objects.get(pk=new_case.pk)
    case.__dict__["stage"] = "closed"  # past the FSM's protection
    with pytest.raises(status.StatusWrittenOutsideHelper, match="closed"):
        case.save()
    with pytest.raises(status.StatusWrittenOutsideHelper, match="not at"):
        Case(board=board, reference="X-1", year=2009, number=99, stage="closed").save()
    # Saving other fields, or the same status, is not a status write.
    case = Case.objects.get(pk=new_case.pk)
    case.subject_name = "Hypatia Quenby"
    case.save()
    case.refresh_from_db()
    case.save(update_fields=["subject_name"])


def test_the_scan_finds_a_planted_transition_call(tmp_path, monkeypatch):
    planted = ROOT / "referrals" / "_planted_status_write.py"
    planted.write_text("def go(case):\n    case.convene_panel()\n")
    try:
        with pytest.raises(AssertionError, match="_planted_status_write.py:2 calls"):
            test_no_code_calls_a_transition_or_writes_a_status_itself()
    finally:
        planted.unlink()
