"""With DEBUG off and a strong SECRET_KEY, `check --deploy --fail-level WARNING` passes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _check(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="scr.settings")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("proxies", ["0", "1"])
def test_check_deploy_passes_with_production_settings(proxies):
    """HSTS, secure cookies, the SSL redirect and the apps' own checks (django-axes'
    callables and middleware among them), directly and behind a proxy."""
    result = _check(
        DEBUG="false",
        SECRET_KEY="k" * 20 + "S3cure-and-long-enough-for-django!x9Qz",
        ALLOWED_HOSTS="scr.example.org",
        TRUSTED_PROXY_COUNT=proxies,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_check_deploy_refuses_the_development_key():
    result = _check(DEBUG="false", ALLOWED_HOSTS="scr.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
