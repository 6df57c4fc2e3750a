"""bin/restore-check, the restore drill of docs/deployment.md: a pg_dump of the test
database (a case with its people, committed) restores into a fresh database with every
row, no migration missing, and the service answers a signed-in page from the copy.

PostgreSQL only: pg_dump and pg_restore are the drill. On SQLite the test says so and
skips; CI runs the suite on PostgreSQL."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bin" / "restore-check"


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own script, fixed arguments, no shell)
        [str(SCRIPT), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_and_the_service_runs_on_it(case):
    if connection.vendor != "postgresql":
        pytest.skip(
            "bin/restore-check drills pg_dump and pg_restore: PostgreSQL only, and this "
            "run is on SQLite (set DATABASE_URL=postgres://... to run it)"
        )
    missing = [
        tool for tool in ("pg_dump", "pg_restore", "createdb", "psql") if not shutil.which(tool)
    ]
    if missing:
        reason = f"bin/restore-check needs {', '.join(missing)} (Debian: postgresql-client)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    copy = f"{connection.settings_dict['NAME']}_restore_check"

    result = _run(_database_url())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Every table, row for row; the people and the case the fixture made among them.
    counted = re.search(r"^(\d+) tables, (\d+) rows, the same in both$", result.stdout, re.M)
    assert counted, output
    tables, rows = int(counted[1]), int(counted[2])
    assert tables > 50 and rows > 20, counted[0]
    assert "GET / as person " in result.stdout and ": 200, " in result.stdout
    for step in ("pg_dump -Fc", "createdb + pg_restore", "manage.py migrate --check"):
        assert any(line.startswith(step) and line.endswith(" s") for line in output.splitlines())
    # The copy is dropped afterwards; the source is as it was.
    assert not _exists(copy)
    assert type(case).objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["postgres://u@127.0.0.1:1/scr", "scr"], "the target database must differ"),
        (["postgres://u@127.0.0.1:1/scr", "x; drop"], "only letters, digits and _"),
        (["sqlite:///var/db.sqlite3"], "give a postgres:// URL"),
    ],
)
def test_the_drill_refuses_to_restore_over_its_source_or_a_strange_name(args, message):
    result = _run(*args, env={"DATABASE_URL": ""})
    assert result.returncode == 2
    assert message in result.stderr
