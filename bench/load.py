"""The load test of `make bench`: gunicorn serving the service on the benchmark's
PostgreSQL database, and locust (bench/locustfile.py) playing signed-in people.

Two runs of the same shape, one after the other in the same process of `make bench`:
the pages, then the floor (a view that returns a constant behind the same middleware,
bench/urls.py), so each page's figures stand beside what this machine does for any
Django page at the same load.
"""

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("BENCH_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
# How long a person waits between two pages: reading the page (the measured load), and
# a much shorter wait that finds how many pages a second this machine can serve.
THINK = os.environ.get("BENCH_THINK_SECONDS", "5-15")
STRESS_THINK = os.environ.get("BENCH_STRESS_THINK_SECONDS", "1-3")
WARM_UP_SECONDS = 15
# gunicorn: processes for the cores, threads to wait on the database in.
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "2"))


@dataclass
class PageFigures:
    name: str
    requests: int
    failures: int
    per_second: float
    p50: float
    p95: float
    p99: float


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str) -> dict[str, str]:
    """What gunicorn runs with: production settings (no DEBUG, the manifest-less static
    storage as pages are not served their assets here), plain HTTP on 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", os.urandom(32).hex()),
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "PYTHONPATH": str(ROOT),
    }


class Server:
    """gunicorn on a free port, up until the context ends."""

    def __init__(self, database_url: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = server_environment(database_url)

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "scr.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={WORKERS}",
                "--worker-class=gthread",
                f"--threads={THREADS}",
                "--log-level=warning",
                "--timeout=120",
                # Longer than any wait between two pages: a browser keeps its connection,
                # and a connection closed just as the next request is sent fails it.
                "--keep-alive=30",
            ],
            cwd=ROOT,
            env=self.environment,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/account/sign-in/", timeout=30)
                return self
            except requests.RequestException:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn stopped while starting") from None
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within two minutes")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def sign_in(base: str, email: str, password: str, code_for) -> str:
    """Sign in through the real pages (password, then the authenticator's code) and
    return the session cookie. `code_for()` gives the code at the moment it is asked."""
    session = requests.Session()
    session.get(f"{base}/account/sign-in/", timeout=30)
    answer = session.post(
        f"{base}/account/sign-in/",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "username": email,
            "password": password,
        },
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "/account/two-factor/" not in answer.headers["Location"]:
        raise RuntimeError(f"{email}: the password was not accepted ({answer.status_code})")
    session.get(f"{base}/account/two-factor/", timeout=30)
    answer = session.post(
        f"{base}/account/two-factor/",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"], "code": code_for()},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "/account/" in answer.headers["Location"]:
        raise RuntimeError(f"{email}: the code was not accepted ({answer.status_code})")
    return session.cookies["sessionid"]


def _locust(
    personas_file: str, base: str, only_floor: bool, think: str, seconds: int = SECONDS
) -> list[PageFigures]:
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "run")
        subprocess.run(  # noqa: S603
            [
                str(Path(sys.executable).parent / "locust"),
                "--locustfile",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                str(max(1, USERS // 5)),
                "--run-time",
                f"{seconds}s",
                "--host",
                base,
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            check=True,
            env={
                **os.environ,
                "BENCH_PERSONAS": personas_file,
                "BENCH_PAGES": "floor" if only_floor else "all",
                "BENCH_THINK_SECONDS": think,
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(f"{prefix}_stats.csv", newline="") as stats:
            rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
        with open(f"{prefix}_failures.csv", newline="") as failures:
            for failure in csv.DictReader(failures):
                print(
                    f"Failed: {failure['Name']}: {failure['Error']} "
                    f"({failure['Occurrences']} times)",
                    file=sys.stderr,
                )
    return [
        PageFigures(
            name=row["Name"],
            requests=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            per_second=float(row["Requests/s"]),
            p50=float(row["50%"]),
            p95=float(row["95%"]),
            p99=float(row["99%"]),
        )
        for row in rows
    ]


@dataclass
class LoadFigures:
    think: str
    pages: list[PageFigures]
    floor: PageFigures


def load_test(database_url: str, personas: list[dict]) -> list[LoadFigures]:
    """The pages and the floor at each wait between pages (THINK, then STRESS_THINK if
    set), each run with USERS people for SECONDS, after an unmeasured warm-up (each
    gunicorn process compiles its templates and opens its connection on first use).
    `personas`: dicts with email, password, code (a callable) and pages [(name, url)]."""
    runs = []
    with Server(database_url) as server:
        signed_in = [
            {
                "session": sign_in(server.url, p["email"], p["password"], p["code"]),
                "pages": p["pages"],
            }
            for p in personas
        ]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(signed_in, file)
        try:
            # Brisk, so that every process meets every page a few times.
            _locust(file.name, server.url, False, "1-3", WARM_UP_SECONDS)
            for think in [THINK, STRESS_THINK] if STRESS_THINK else [THINK]:
                pages = _locust(file.name, server.url, False, think)
                (floor,) = _locust(file.name, server.url, True, think)
                runs.append(LoadFigures(think, sorted(pages, key=lambda f: f.name), floor))
        finally:
            os.unlink(file.name)
    return runs
