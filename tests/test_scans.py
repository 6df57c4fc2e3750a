"""Security scans, with the suite and by `make scan`: bandit finds no medium or high issue
in the source, and pip-audit no known vulnerability in the installed packages, less those
accepted with a reason in .ci/pip-audit-ignore.txt.

A false positive of bandit carries `# nosec BXXX` on its line with the reason beside it.
"""

import json
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IGNORE_FILE = ROOT / ".ci" / "pip-audit-ignore.txt"


def _source_paths() -> list[str]:
    """The project's packages (pyproject's setuptools list, so a new app is scanned as
    soon as it is packaged), the benchmark and manage.py. Tests are not scanned."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return [package.rstrip("*") for package in packages] + ["bench", "manage.py"]


def _run(*command: str, timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this venv's own scanners, fixed arguments
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_bandit_finds_no_medium_or_high_issue():
    # -ll: medium severity and above; [tool.bandit] in pyproject.toml excludes the venv,
    # node_modules and the tests.
    done = _run(
        "bandit",
        "-c",
        "pyproject.toml",
        "-ll",
        "-q",
        "-f",
        "json",
        "-r",
        *_source_paths(),
        timeout=600,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"bandit did not report (exit {done.returncode}):\n{done.stderr[-3000:]}")
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}: "
        f"{r['issue_text']}"
        for r in report["results"]
    ]
    assert not findings, (
        "bandit: fix these, or, where one is a false positive, put `# nosec BXXX` and the "
        "reason on its line:\n" + "\n".join(findings)
    )
    assert not report["errors"], f"bandit could not scan: {report['errors']}"


def _accepted() -> dict[str, str]:
    """The ignore file: `ID  reason` a line; blank lines and # comments aside."""
    accepted = {}
    for line in IGNORE_FILE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            vuln_id, _, reason = line.strip().partition(" ")
            accepted[vuln_id] = reason.strip()
    return accepted


def test_every_accepted_vulnerability_says_why():
    unexplained = [vuln_id for vuln_id, reason in _accepted().items() if not reason]
    assert not unexplained, f"{IGNORE_FILE.name}: give the reason for {unexplained}"


def _pypi_unreachable() -> str | None:
    """Why pip-audit cannot ask PyPI from here, or None. It asks PyPI's JSON API for each
    installed release (https://pypi.org/pypi/NAME/VERSION/json): ask it once, for Django."""
    url = f"https://pypi.org/pypi/django/{version('django')}/json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read(1)
    except urllib.error.HTTPError as error:
        return (
            f"PyPI's vulnerability data is unreachable from here: {url} answered HTTP "
            f"{error.code} (a proxy or mirror in the way?), so pip-audit could audit nothing"
        )
    except OSError as error:  # URLError included: no DNS, no route, refused, timed out
        return f"PyPI is unreachable from here ({url}: {getattr(error, 'reason', error)})"
    return None


@pytest.mark.network
def test_pip_audit_finds_no_known_vulnerability():
    unreachable = _pypi_unreachable()
    if unreachable:
        pytest.skip(unreachable)
    ignores = [arg for vuln_id in _accepted() for arg in ("--ignore-vuln", vuln_id)]
    done = _run(
        "pip-audit",
        "--progress-spinner",
        "off",
        "--skip-editable",
        "-f",
        "json",
        *ignores,
        timeout=600,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pip-audit did not report (exit {done.returncode}):\n{done.stderr[-3000:]}")
    found = [
        f"{d['name']} {d['version']}: {v['id']} ({', '.join(v['aliases']) or 'no aliases'}), "
        f"fixed in {', '.join(v['fix_versions']) or 'no release yet'}"
        for d in report["dependencies"]
        for v in d.get("vulns", [])
    ]
    assert not found, (
        "pip-audit: upgrade these, or accept one in .ci/pip-audit-ignore.txt with the "
        "reason:\n" + "\n".join(found)
    )
    # Without this, a package PyPI did not answer for would pass as clean.
    unaudited = [
        d["skip_reason"]
        for d in report["dependencies"]
        if "skip_reason" in d and d["skip_reason"] != "distribution marked as editable"
    ]
    assert not unaudited, "pip-audit could not audit:\n" + "\n".join(unaudited)
