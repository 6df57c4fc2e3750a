"""`make mutants`: mutation testing of the modules that hold the procedure's rules.

The modules, and the test files that cover each, are listed in tests/mutants.toml; the
equivalent mutants that need no test are in tests/mutants-allowed.txt. Each module is
tested by mutmut in a workspace of its own (var/mutants/<module>/), so its results and
its test selection never mix with another module's, and one module can be run alone:

    .venv/bin/python bin/mutants.py referrals/criteria.py
    .venv/bin/python bin/mutants.py --report          # the table again, nothing re-run
    .venv/bin/python bin/mutants.py --survivors referrals/criteria.py   # after a new test

mutmut cannot mutate decorator arguments, so the state machines' transitions (django-fsm
@transition sources and targets) are mutated by the FSM step below, one row per FSMField
('fsm: Case.stage'); `bin/mutants.py fsm` runs it alone, and a full run includes it.

Prints, per module: mutants, killed, survived, allowed and the kill rate, killed /
(mutants - allowed), then every survivor with its place and its change. Exits 1 if any
module is under the threshold (90%), or if an allow-list entry no longer matches a mutant.
"""

import argparse
import ast
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tests" / "mutants.toml"
ALLOWED = ROOT / "tests" / "mutants-allowed.txt"
WORK = ROOT / "var" / "mutants"
TEMPLATE_DB = WORK / "template.sqlite3"
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
# Copied into each workspace by mutmut (the packages, whose one listed module it mutates,
# and what the tests read); linked into its copy, unchanged (big, and only ever read).
SOURCE_PATHS = ["scr", "referrals", "panel", "imr", "overview", "actionplans"]
ALSO_COPY = ["templates", "manage.py"]
LINKED = ["static", "build", "node_modules"]
# Never a browser or a real worker, even if a listed test file holds one.
PYTEST_ARGS = ["-m", "not browser and not celery_worker", "-W", "ignore::DeprecationWarning"]

# mutmut's exit codes (mutmut/stats.py). A timeout counts as killed: the tests noticed.
KILLED = {1, 3, 36, -24, 24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}


def load_config() -> dict:
    with CONFIG.open("rb") as f:
        config = tomllib.load(f)
    for module in config["module"]:
        if not (ROOT / module["path"]).is_file():
            sys.exit(f"tests/mutants.toml: {module['path']} does not exist")
        for test in module["tests"]:
            if not (ROOT / test.split("::")[0]).exists():
                sys.exit(f"tests/mutants.toml: {test} (for {module['path']}) does not exist")
    return config


def load_allowed() -> dict[str, str]:
    """mutant name -> reason, from lines 'name: reason' ('#' starts a comment line)."""
    allowed = {}
    for number, line in enumerate(ALLOWED.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(":")
        if not reason.strip():
            sys.exit(f"tests/mutants-allowed.txt line {number}: give the reason after 'name:'")
        allowed[name.strip()] = reason.strip()
    return allowed


def slug(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def build_template_db() -> None:
    """Migrate one SQLite file for every test session to copy (tests/conftest.py), unless
    it is newer than every migration."""
    migrations = [p for d in SOURCE_PATHS for p in (ROOT / d).rglob("migrations/*.py")]
    if TEMPLATE_DB.exists() and all(
        p.stat().st_mtime < TEMPLATE_DB.stat().st_mtime for p in migrations
    ):
        return
    WORK.mkdir(parents=True, exist_ok=True)
    TEMPLATE_DB.unlink(missing_ok=True)
    print("Migrating the template test database...", flush=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{TEMPLATE_DB}"}
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "migrate", "--settings=scr.settings_test", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def selection(module: dict) -> list[str]:
    """The module's test files, less the tests its `deselect` names (a slow test whose
    rule a faster one in the selection also pins)."""
    args = list(module["tests"])
    for test in module.get("deselect", []):
        args += ["--deselect", test]
    return args


def prepare_workspace(module: dict) -> Path:
    """A fresh workspace: links to the sources, and a pyproject.toml that is the project's
    plus the [tool.mutmut] section for this module (so `mutmut show NAME` works there)."""
    workspace = WORK / slug(module["path"])
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    for name in [*SOURCE_PATHS, "tests", *ALSO_COPY]:
        (workspace / name).symlink_to(ROOT / name)
    copy = workspace / "mutants"
    copy.mkdir()
    for name in LINKED:
        if (ROOT / name).exists():
            (copy / name).symlink_to(ROOT / name)
    project = (ROOT / "pyproject.toml").read_text()
    section = f"""
[tool.mutmut]
# Written by bin/mutants.py for {module["path"]}; see tests/mutants.toml.
source_paths = {toml_list(SOURCE_PATHS)}
only_mutate = {toml_list([module["path"]])}
also_copy = {toml_list(ALSO_COPY)}
pytest_add_cli_args_test_selection = {toml_list(selection(module))}
pytest_add_cli_args = {toml_list(PYTEST_ARGS)}
use_git_change_detection = false
# A mutant that loops for ever (a sweep that never moves on) is stopped after 3 times the
# time its tests took plus 15 s (wall clock; mutmut's estimate leaves out fixtures), not
# mutmut's 15 times plus 1 s: a kill either way.
timeout_multiplier = 3.0
timeout_constant = 15.0
"""
    (workspace / "pyproject.toml").write_text(project + section)
    return workspace


def survivor_names(module: dict, allowed: dict[str, str]) -> list[str] | None:
    """The mutants of the last run that were not killed (None: no run yet)."""
    path = module["path"]
    meta = WORK / slug(path) / "mutants" / f"{path}.meta"
    if not meta.exists():
        return None
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return [n for n, c in codes.items() if c not in KILLED and n not in allowed]


def run_module(module: dict, jobs: int, again: list[str] | None = None) -> float:
    """A fresh run of every mutant; or, given `again`, those mutants re-tested in the last
    run's workspace (mutmut copies the tests again and finds the tests added since)."""
    workspace = prepare_workspace(module) if again is None else WORK / slug(module["path"])
    # Each pytest session's copy of the template goes here (in memory where /dev/shm is),
    # removed afterwards with the copies that killed or timed-out mutants leave behind.
    shm = Path("/dev/shm")  # noqa: S108 - mkdtemp makes a private folder there
    scratch = tempfile.mkdtemp(prefix="scr-mutants-", dir=shm if shm.is_dir() else None)
    env = {**os.environ, "SCR_TEST_DB_TEMPLATE": str(TEMPLATE_DB), "SCR_TEST_DB_FOLDER": scratch}
    env.pop("DATABASE_URL", None)  # the template is SQLite; so must the settings be
    started = time.monotonic()
    with (workspace / "run.log").open("w" if again is None else "a") as log:
        result = subprocess.run(  # noqa: S603 - mutmut from our own venv
            [str(MUTMUT), "run", "--max-children", str(jobs), *(again or [])],
            cwd=workspace,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    elapsed = time.monotonic() - started
    shutil.rmtree(scratch, ignore_errors=True)
    if result.returncode != 0:
        print(
            f"  mutmut failed on {module['path']} (exit {result.returncode}):",
            f"see {workspace}/run.log",
        )
    if again is None:
        (workspace / "elapsed").write_text(f"{elapsed:.0f}\n")
    return elapsed


FSM_RESULTS = WORK / "fsm.json"
FSM_NOT_APPLIED = 70  # a child's exit code: the mutant could not be applied


def fsm_mutants(field, model) -> list[tuple[str, str, object, object]]:
    """Our own operator for django-fsm, whose @transition arguments mutmut cannot mutate:
    for each transition of the field, its source list widened by each state not in it,
    narrowed by each source, and its target changed to each other state. Each mutant is
    (name, description, the transition's FSMMeta, a function that changes that meta in
    place, the state it uses); applied in a forked child only, so nothing needs undoing."""
    import copy

    states = [value for value, _ in field.choices]
    found = []
    for method_name, method in sorted(field.transitions[model].items()):
        meta = method._django_fsm
        sources = list(meta.transitions)
        target = next(iter(meta.transitions.values())).target
        prefix = f"fsm.{model.__name__}.{field.name}.{method_name}"

        def widen(meta, state):
            meta.transitions[state] = copy.copy(next(iter(meta.transitions.values())))
            meta.transitions[state].source = state

        def narrow(meta, state):
            del meta.transitions[state]

        def retarget(meta, state):
            for transition in meta.transitions.values():
                transition.target = state

        for state in states:
            if state not in sources and "*" not in sources and "+" not in sources:
                found.append((f"{prefix}.widen.{state}", f"source + {state}", meta, widen, state))
        for state in sources:
            found.append((f"{prefix}.narrow.{state}", f"source - {state}", meta, narrow, state))
        for state in states:
            if state != target:
                found.append(
                    (
                        f"{prefix}.target.{state}",
                        f"target {target} -> {state}",
                        meta,
                        retarget,
                        state,
                    )
                )
    return found


class _FsmRunner:
    """A pytest plugin: the state machine tests are collected once; then, instead of
    pytest's own loop, each mutant is tested in a forked child (as mutmut does), which
    changes the transition's metadata and runs that model's items, stopping at the first
    failure. Nothing needs undoing: the parent never sees the change."""

    def __init__(self, machines: list[tuple[str, str, list]], jobs: int):
        self.machines, self.jobs = machines, jobs
        self.results: dict[str, dict] = {}

    def _child(self, session, items, apply=None) -> int:
        pid = os.fork()
        if pid:
            return pid
        failed = 1
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            if apply:
                failed = FSM_NOT_APPLIED  # a fault of ours, never a kill
                apply()
                failed = 1
            session.testsfailed = 0
            for i, item in enumerate(items):
                nextitem = items[i + 1] if i + 1 < len(items) else None
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                if session.testsfailed:
                    break
            failed = 1 if session.testsfailed else 0
        finally:
            os._exit(failed)

    def _wait_one(self, running: dict, codes: dict) -> None:
        pid, status = os.wait()
        codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)

    def pytest_runtestloop(self, session):
        for row, test, mutants in self.machines:
            items = [i for i in session.items if i.nodeid.split("::")[0] == test]
            started = time.monotonic()
            _, status = os.waitpid(self._child(session, items), 0)
            if not items or os.waitstatus_to_exitcode(status) != 0:
                print(f"\n  {row}: {test} fails (or selects nothing) unmutated; not run")
                continue
            codes, running = {}, {}
            for name, _, meta, change, state in mutants:
                while len(running) >= self.jobs:
                    self._wait_one(running, codes)
                apply = lambda c=change, m=meta, s=state: c(m, s)  # noqa: E731
                running[self._child(session, items, apply)] = name
            while running:
                self._wait_one(running, codes)
            seconds = time.monotonic() - started
            self.results[row] = {
                "seconds": round(seconds),
                "tests": len(items),
                "mutants": {name: [desc, codes[name]] for name, desc, *_ in mutants},
            }
            killed = sum(1 for c in codes.values() if c not in (0, FSM_NOT_APPLIED))
            print(f"\n  {row}: {len(mutants)} mutants, {killed} killed, {seconds:.0f} s")
        return True  # pytest's own loop does not run


def run_fsm(config: dict, jobs: int) -> None:
    """Every FSM field of the project's models (found from their FSMFields): each mutant
    tested by its app's state machine tests (tests/mutants.toml's [fsm])."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr.settings_test")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    import pytest
    from django.apps import apps
    from django_fsm import FSMFieldMixin

    shm = Path("/dev/shm")  # noqa: S108 - mkdtemp makes a private folder there
    scratch = tempfile.mkdtemp(prefix="scr-mutants-", dir=shm if shm.is_dir() else None)
    os.environ.update(SCR_TEST_DB_TEMPLATE=str(TEMPLATE_DB), SCR_TEST_DB_FOLDER=scratch)
    settings = config.get("fsm", {})
    machines = []
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in SOURCE_PATHS:
            continue
        for fsm_field in model._meta.get_fields():
            if isinstance(fsm_field, FSMFieldMixin):
                test = settings.get("tests", "tests/{app}/test_state_machine.py").format(
                    app=model._meta.app_label
                )
                row = f"fsm: {model.__name__}.{fsm_field.name}"
                machines.append((row, test, fsm_mutants(fsm_field, model)))
    runner = _FsmRunner(machines, jobs)
    args = sorted({test for _, test, _ in machines}) + ["-q", "-n", "0", *PYTEST_ARGS]
    if settings.get("keyword"):
        args += ["-k", settings["keyword"]]
    pytest.main(args, plugins=[runner])
    shutil.rmtree(scratch, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    FSM_RESULTS.write_text(json.dumps(runner.results, indent=1) + "\n")


def collect_fsm(allowed: dict[str, str]) -> list["Result"]:
    """One row per FSM field from the last FSM run; a mutant is killed when its tests
    failed (a failing or crashing test noticed), not when it could not be applied."""
    if not FSM_RESULTS.exists():
        return [Result(path="fsm")]
    rows = []
    for row, data in json.loads(FSM_RESULTS.read_text()).items():
        result = Result(path=row, ran=True, seconds=data["seconds"])
        for name, (desc, code) in data["mutants"].items():
            result.mutants += 1
            if name in allowed:
                result.allowed += 1
                result.allowed_names.add(name)
            elif code not in (0, FSM_NOT_APPLIED):
                result.killed += 1
            else:
                note = "(could not be applied) " if code == FSM_NOT_APPLIED else ""
                result.survivors.append(Survivor(name, 0, note + desc, False))
        rows.append(result)
    return rows


@dataclass
class Survivor:
    name: str
    line: int
    change: str
    no_tests: bool


@dataclass
class Result:
    path: str
    ran: bool = False
    mutants: int = 0
    killed: int = 0
    allowed: int = 0
    unchecked: int = 0
    seconds: int | None = None
    survivors: list[Survivor] = field(default_factory=list)
    allowed_names: set[str] = field(default_factory=set)

    @property
    def rate(self) -> float | None:
        counted = self.mutants - self.allowed
        return 100.0 * self.killed / counted if counted else None


def function_sources(workspace: Path, path: str) -> dict[str, list[str]]:
    """Generated function name -> its lines, read out of the mutated file by mutmut's index."""
    spans = json.loads((workspace / "mutants" / f"{path}.spans").read_text())["spans"]
    lines = (workspace / "mutants" / path).read_text().splitlines()
    return {name: lines[start - 1 : end] for name, (start, end) in spans.items()}


def def_lines(path: str) -> dict[tuple[str | None, str], int]:
    """(class or None, function) -> the line of its `def` in the original source."""
    tree = ast.parse((ROOT / path).read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[(None, node.name)] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[(node.name, child.name)] = child.lineno
    return found


def _from_def(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("def ", "async def ")):
            return lines[i:]
    return lines


def locate(workspace: Path, path: str, name: str, sources, defs) -> tuple[int, str]:
    """The original line a mutant changes, and the change as '- old / + new'."""
    generated = name.rpartition(".")[2]  # x_fn__mutmut_3 or xǁClassǁfn__mutmut_3
    base = generated.rpartition("__mutmut_")[0]
    if "ǁ" in base:
        _, cls, fn = base.split("ǁ")
    else:
        cls, fn = None, base.removeprefix("x_")
    orig = [
        s.replace(base + "__mutmut_orig", fn)
        for s in _from_def(sources.get(base + "__mutmut_orig", []))
    ]
    mutant = [s.replace(generated, fn) for s in _from_def(sources.get(generated, []))]
    first = defs.get((cls, fn), 0)
    removed, added, line = [], [], first
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, orig, mutant).get_opcodes():
        if tag == "equal":
            continue
        if not removed and not added:
            line = first + i1
        removed += [s.strip() for s in orig[i1:i2]]
        added += [s.strip() for s in mutant[j1:j2]]
    change = " / ".join(
        [f"- {' '.join(removed)}" if removed else "", f"+ {' '.join(added)}" if added else ""]
    ).strip(" /")
    return line, change


def collect(module: dict, allowed: dict[str, str]) -> Result:
    path = module["path"]
    workspace = WORK / slug(path)
    result = Result(path=path)
    meta = workspace / "mutants" / f"{path}.meta"
    if not meta.exists():
        return result
    result.ran = True
    elapsed = workspace / "elapsed"
    if elapsed.exists():
        result.seconds = int(elapsed.read_text())
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    sources = function_sources(workspace, path)
    defs = def_lines(path)
    for name, code in sorted(codes.items(), key=lambda kv: _natural(kv[0])):
        result.mutants += 1
        if name in allowed:
            result.allowed += 1
            result.allowed_names.add(name)
        elif code in KILLED:
            result.killed += 1
        elif code is None:
            result.unchecked += 1
            line, change = locate(workspace, path, name, sources, defs)
            result.survivors.append(Survivor(name, line, "(not run) " + change, False))
        else:
            line, change = locate(workspace, path, name, sources, defs)
            result.survivors.append(Survivor(name, line, change, code in NO_TESTS))
    return result


def _natural(name: str):
    head, _, number = name.rpartition("__mutmut_")
    return (head, int(number) if number.isdigit() else 0)


def report(results: list[Result], allowed: dict[str, str], threshold: float) -> int:
    failing = 0
    rows = [("module", "mutants", "killed", "survived", "allowed", "not run", "kill rate", "time")]
    for r in results:
        if not r.ran:
            rows.append((r.path, "-", "-", "-", "-", "-", "not run", "-"))
            failing += 1
            continue
        rate = r.rate
        low = rate is not None and rate < threshold
        failing += low
        rows.append(
            (
                r.path,
                str(r.mutants),
                str(r.killed),
                str(len(r.survivors) - r.unchecked),
                str(r.allowed),
                str(r.unchecked),
                "-" if rate is None else f"{rate:.1f}%" + (" LOW" if low else ""),
                "-" if r.seconds is None else f"{r.seconds} s",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in results:
        if not r.survivors:
            continue
        print(f"\nSurvivors in {r.path} ({len(r.survivors)}):")
        for s in r.survivors:
            flag = " [no test runs this function]" if s.no_tests else ""
            place = f"{r.path}:{s.line}" if s.line else r.path
            print(f"  {place}  {s.name}{flag}\n      {s.change}")
    known = set().union(*(r.allowed_names for r in results if r.ran))
    ran_modules = {slug(r.path) for r in results if r.ran}
    stale = [n for n in allowed if n not in known and n.rpartition(".x")[0] in ran_modules]
    fsm_ran = [r for r in results if r.path.startswith("fsm: ")]
    if fsm_ran:
        stale += [n for n in allowed if n.startswith("fsm.") and n not in known]
    for name in stale:
        print(f"\ntests/mutants-allowed.txt: {name} is no longer a mutant; remove it")
    print(
        f"\nKill rate = killed / (mutants - allowed); threshold {threshold:.0f}% per module. "
        f"Show one: cd var/mutants/<module> && ../../../.venv/bin/mutmut show <name>"
    )
    return 1 if failing or stale else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="paths as in tests/mutants.toml (default: all)")
    parser.add_argument("--report", action="store_true", help="print the last results, run nothing")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="re-test only the last run's survivors, with the tests as they are now",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="mutants at once")
    args = parser.parse_args()
    config = load_config()
    allowed = load_allowed()
    modules = config["module"]
    fsm = not args.modules or "fsm" in args.modules
    if args.modules:
        wanted = {m.removeprefix("./") for m in args.modules} - {"fsm"}
        unknown = wanted - {m["path"] for m in modules}
        if unknown:
            sys.exit(f"not in tests/mutants.toml: {', '.join(sorted(unknown))}")
        modules = [m for m in modules if m["path"] in wanted]
    if not args.report:
        build_template_db()
        started = time.monotonic()
        for module in modules:
            again = survivor_names(module, allowed) if args.survivors else None
            if args.survivors and not again:
                print(f"{module['path']}: no survivors to re-test (or no run yet)")
                continue
            print(f"Mutating {module['path']} ...", flush=True)
            elapsed = run_module(module, args.jobs, again)
            print(f"  {elapsed:.0f} s", flush=True)
        if fsm:
            print("Mutating the state machines' transitions ...", flush=True)
            run_fsm(config, args.jobs)
        print(f"All: {time.monotonic() - started:.0f} s\n")
    results = [collect(m, allowed) for m in modules] + (collect_fsm(allowed) if fsm else [])
    return report(results, allowed, float(config.get("threshold", 90)))


if __name__ == "__main__":
    sys.exit(main())
