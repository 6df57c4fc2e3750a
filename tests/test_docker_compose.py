"""docker-compose.yml is a valid Compose file and holds the production-like stack.

Compose needs no Docker engine to check a file: `docker-compose config` parses it,
interpolates the variables and validates the result. SECRET_KEY, POSTGRES_PASSWORD,
SITE_URL and ALLOWED_HOSTS come from .env in production; .env.example must keep
providing every one of them.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scr.celery import queues as celery_queues

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = "docker-compose.yml"
STACK = {
    "web",
    "worker-emails",
    "worker-documents",
    "worker-default",
    "beat",
    "postgres",
    "redis",
    "clamav",
}


def _docker_compose() -> str:
    path = shutil.which("docker-compose")
    if path is None:
        message = "docker-compose is not installed (Debian: apt-get install docker-compose)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must have it, and .ci/run installs it.")
        pytest.skip(message)
    return path


def _example_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _compose(*args: str, env: dict[str, str], env_file: Path | None = None):
    options = ["--env-file", str(env_file)] if env_file else []
    return subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [_docker_compose(), *options, "-f", COMPOSE_FILE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def example_env() -> dict[str, str]:
    """The process environment with the values of .env.example on top."""
    return {**os.environ, **_example_env()}


def test_env_example_provides_the_required_values():
    assert {
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "SERVICE_DB_PASSWORD",
        "SITE_URL",
        "ALLOWED_HOSTS",
    } <= set(_example_env())


def test_compose_file_is_valid(example_env):
    result = _compose("config", "-q", env=example_env)
    assert result.returncode == 0, result.stderr


def test_compose_file_defines_the_stack_services(example_env):
    result = _compose("config", "--services", env=example_env)
    assert result.returncode == 0, result.stderr
    services = set(result.stdout.split())
    assert services >= STACK, f"missing: {sorted(STACK - services)}"


def _services(env) -> dict[str, dict]:
    result = _compose("config", env=env)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def _queues(command: list[str]) -> set[str]:
    """The queues a `celery worker` command consumes (-Q a,b)."""
    return set(command[command.index("-Q") + 1].split(",")) if "-Q" in command else set()


def test_every_queue_has_a_worker_of_its_own_and_beat_is_alone(example_env):
    services = _services(example_env)
    workers = {
        name: _queues(service["command"])
        for name, service in services.items()
        if service.get("command", [])[:4] == ["celery", "-A", "scr", "worker"]
    }
    queues = celery_queues()
    assert queues == {"celery", "emails", "documents"}
    # One queue per worker: a burst on one never holds up another.
    assert sorted(q for consumed in workers.values() for q in consumed) == sorted(queues)
    assert all(len(consumed) == 1 for consumed in workers.values()), workers
    # One render at a time: the document pipeline's own pool uses the cores.
    assert "--concurrency=1" in services["worker-documents"]["command"]
    beats = [
        s for s in services.values() if s.get("command", [])[:4] == ["celery", "-A", "scr", "beat"]
    ]
    assert len(beats) == 1


def test_the_stack_shares_its_cache_and_can_keep_files_in_object_storage(example_env):
    environment = _services(example_env)["web"]["environment"]
    assert environment["CACHE_URL"] == "redis://redis:6379/1"
    assert environment["PRIVATE_STORAGE"] == "local"
    for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME"):
        assert name in environment
    s3 = {**example_env, "PRIVATE_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "scr-files"}
    environment = _services(s3)["worker-documents"]["environment"]
    assert (environment["PRIVATE_STORAGE"], environment["AWS_STORAGE_BUCKET_NAME"]) == (
        "s3",
        "scr-files",
    )


def test_the_service_connects_as_a_role_of_its_own_and_only_migrate_as_the_owner(example_env):
    """The owner's URL reaches the migrate service alone (migrations, db_roles and
    retention); everything else connects as the role db_roles makes, which owns nothing."""
    services = _services(example_env)
    migrate = services["migrate"]
    owner = migrate["environment"]["DATABASE_OWNER_URL"]
    assert owner.startswith("postgres://scr:")
    assert "db_roles" in " ".join(migrate["command"])
    assert " ".join(migrate["command"]).index("migrate") < " ".join(migrate["command"]).index(
        "db_roles"
    )
    for name, service in services.items():
        environment = service.get("environment") or {}
        if name in ("postgres", "redis", "clamav"):
            continue
        assert environment["DATABASE_URL"].startswith("postgres://scr_service:"), name
        if name != "migrate":
            assert "DATABASE_OWNER_URL" not in environment, name


def test_the_stack_scans_every_upload_with_its_own_clamd(example_env):
    services = _services(example_env)
    assert services["clamav"]["image"].startswith("clamav/clamav:")
    # Its signatures on a volume (docker-compose 1.29 prints volumes short, Compose v2 long).
    volumes = [v if isinstance(v, str) else v["target"] for v in services["clamav"]["volumes"]]
    assert any("/var/lib/clamav" in volume for volume in volumes)
    # Every process of the service has it (the web uploads, `manage.py import_chronology`
    # runs in any of them), and web starts after it.
    for name, service in services.items():
        if service.get("image") == "scr-service:latest":
            assert service["environment"]["CLAMD_URL"] == "tcp://clamav:3310", name
    assert "clamav" in services["web"]["depends_on"]
    # Another clamd instead, by the environment.
    elsewhere = {**example_env, "CLAMD_URL": "unix:///run/clamav/clamd.sock"}
    environment = _services(elsewhere)["web"]["environment"]
    assert environment["CLAMD_URL"] == "unix:///run/clamav/clamd.sock"


def test_compose_file_is_valid_as_it_stands(tmp_path):
    """The bare check from the README, on a machine with no .env."""
    empty = tmp_path / "empty.env"
    empty.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in _example_env()}
    result = _compose("config", "-q", env=env, env_file=empty)
    assert result.returncode == 0, result.stderr


def test_the_web_server_refuses_the_development_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DEBUG="false", DJANGO_SETTINGS_MODULE="scr.settings")
    env.pop("SECRET_KEY", None)
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, "-c", "import scr.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
    env["SECRET_KEY"] = "a-long-random-value-for-this-test-only-7Qz9xK2mP4vL8nR3"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import scr.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
