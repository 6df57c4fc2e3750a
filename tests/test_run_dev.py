"""`make run` (bin/run-dev) starts the worker again when it dies: kombu can end a worker
on a Redis restart, and without a worker no email of the outbox would go."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
set -euo pipefail
source <(sed -n '/^keep_running() {/,/^}/p' bin/run-dev)
keep_running sh -c 'echo $$ >> "$1"; exec sleep "$2"' sh "$1" "$2" &
wrapper=$!
sleep "$3"
kill -TERM "$wrapper"
wait "$wrapper" || true
"""


def _run(tmp_path, *, child_sleeps: float, for_seconds: float) -> list[int]:
    log = tmp_path / "starts"
    log.touch()
    subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        ["/bin/bash", "-c", SCRIPT, "run-dev-test", str(log), str(child_sleeps), str(for_seconds)],
        cwd=ROOT,
        check=True,
        timeout=30,
        capture_output=True,
    )
    return [int(line) for line in log.read_text().split()]


def test_a_worker_that_dies_is_started_again(tmp_path):
    starts = _run(tmp_path, child_sleeps=0.1, for_seconds=3)
    assert len(starts) >= 2


def test_stopping_run_dev_stops_the_worker_too(tmp_path):
    (pid,) = _run(tmp_path, child_sleeps=60, for_seconds=1)
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


# The port: `PORT=8101 make run` serves there, and the links in emails point there.

FAKE_PYTHON = """#!/usr/bin/env bash
echo "python $* SITE_URL=$SITE_URL" >> "$RUN_DEV_LOG"
# Exit (which stops run-dev) once the worker and beat have said how they started.
for _ in $(seq 100); do
  [ "$(grep -c '^celery' "$RUN_DEV_LOG")" -ge 2 ] && exit 0
  sleep 0.1
done
"""
FAKE_CELERY = """#!/usr/bin/env bash
echo "celery $3 SITE_URL=$SITE_URL" >> "$RUN_DEV_LOG"
exec sleep 30
"""


def _run_dev(tmp_path, env: dict[str, str]) -> list[str]:
    """bin/run-dev in a copy of the tree whose python and celery only say how they were
    started: the fake python (runserver) exits at once, which stops the script."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "run-dev").write_text((ROOT / "bin" / "run-dev").read_text())
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON), ("celery", FAKE_CELERY)):
        (venv / name).write_text(text)
        (venv / name).chmod(0o755)
    log = tmp_path / "log"
    log.touch()
    keep = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        ["/bin/bash", str(tmp_path / "bin" / "run-dev")],
        env={**keep, "RUN_DEV_LOG": str(log), **env},
        check=True,
        timeout=30,
        capture_output=True,
        text=True,
    )
    return [*log.read_text().splitlines(), result.stdout]


def test_run_dev_serves_on_port_8000_by_default_with_links_to_it(tmp_path):
    lines = _run_dev(tmp_path, {})
    assert (
        "python manage.py runserver 127.0.0.1:8000 --noreload SITE_URL=http://127.0.0.1:8000"
        in lines
    )
    assert "celery worker SITE_URL=http://127.0.0.1:8000" in lines
    assert "The service is at http://127.0.0.1:8000/" in lines[-1]


def test_run_dev_serves_on_the_port_given_and_the_links_follow(tmp_path):
    lines = _run_dev(tmp_path, {"PORT": "8101"})
    assert (
        "python manage.py runserver 127.0.0.1:8101 --noreload SITE_URL=http://127.0.0.1:8101"
        in lines
    )
    assert "celery worker SITE_URL=http://127.0.0.1:8101" in lines
    assert "celery beat SITE_URL=http://127.0.0.1:8101" in lines
    assert "The service is at http://127.0.0.1:8101/" in lines[-1]


def test_run_dev_keeps_a_site_url_that_is_set(tmp_path):
    lines = _run_dev(tmp_path, {"PORT": "8101", "SITE_URL": "https://scr.example.org"})
    assert (
        "python manage.py runserver 127.0.0.1:8101 --noreload SITE_URL=https://scr.example.org"
        in lines
    )


def _make_run(env: dict[str, str]) -> list[str]:
    """The commands `make run` would run (make -n runs none of them)."""
    keep = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    result = subprocess.run(  # noqa: S603 (make, fixed arguments)
        [shutil.which("make"), "-n", "run"],
        cwd=ROOT,
        env={**keep, **env},
        check=True,
        timeout=30,
        capture_output=True,
        text=True,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    ("env", "port", "site_url"),
    [
        ({}, "8000", "http://127.0.0.1:8000"),
        ({"PORT": "8101"}, "8101", "http://127.0.0.1:8101"),
        (
            {"PORT": "8101", "SITE_URL": "https://scr.example.org"},
            "8101",
            "https://scr.example.org",
        ),
    ],
)
def test_make_run_seeds_and_serves_with_links_to_its_port(env, port, site_url):
    lines = _make_run(env)
    # The demo's emails are written by seed_demo: their links too.
    assert f"SITE_URL={site_url} .venv/bin/python manage.py seed_demo" in lines
    assert f"PORT={port} SITE_URL={site_url} bin/run-dev" in lines
