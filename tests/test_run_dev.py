"""`make run` (bin/run-dev) starts the worker again when it dies: kombu can end a worker
on a Redis restart, and without a worker no email of the outbox would go."""

import subprocess
from pathlib import Path

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
