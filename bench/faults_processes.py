"""The processes `make faults` (bench/faults.py) starts and kills: a Redis of its own,
the SMTP server (bench/faults_smtp.py) and Celery workers kept running as bin/run-dev
keeps them (one that dies is started again)."""

import collections
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"


def smtp_deliveries(log: Path) -> dict[str, list[dict]]:
    """What the SMTP server's log (bench/faults_smtp.py) says it accepted: address -> each
    message for it, in order, with its Message-ID ("id") and when the server wrote it
    down ("at"), before answering 250."""
    found = collections.defaultdict(list)
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        if "to" in entry:
            found[entry["to"]].append({"id": entry.get("id"), "at": entry["at"]})
    return found


class Services:
    """Redis, SMTP and the workers, each a child process the harness can kill."""

    def __init__(self, env: dict[str, str], redis_port: int, smtp_port: int, folder: Path):
        self.env, self.redis_port, self.smtp_port, self.folder = env, redis_port, smtp_port, folder
        self.smtp_log = folder / "smtp.jsonl"
        self.smtp_log.touch()
        self.redis = self.smtp = None
        self.workers: dict[int, subprocess.Popen] = {}
        self.wanted: set[int] = set()
        self.restarts = 0
        self.kills = 0
        # Kills made while the server held what --kill asked for (seen in its log).
        self.holds_seen = 0
        self.kill_times: list[float] = []
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._supervise, daemon=True)

    # Redis -----------------------------------------------------------------------------
    def redis_start(self) -> None:
        self.redis = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                "/usr/bin/redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.redis_port, socket_connect_timeout=1)
        for _ in range(50):
            try:
                if client.ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.redis_port}")

    def redis_restart_empty(self) -> None:
        self.redis.kill()  # SIGKILL: nothing saved, it comes back empty
        self.redis.wait()
        self.redis_start()

    # SMTP ------------------------------------------------------------------------------
    def smtp_start(self) -> None:
        self.smtp = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                str(VENV / "python"),
                str(ROOT / "bench" / "faults_smtp.py"),
                str(self.smtp_port),
                str(self.smtp_log),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.smtp.stdout.readline()  # "SMTP on ..." once it listens

    def smtp_stop(self) -> None:
        self.smtp.terminate()
        self.smtp.wait()

    # Workers ---------------------------------------------------------------------------
    def _worker(self, number: int) -> subprocess.Popen:
        log = open(self.folder / f"worker{number}.log", "a")  # noqa: SIM115 (the child's)
        return subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                str(VENV / "celery"),
                "-A",
                "scr",
                "worker",
                "-Q",
                "celery,emails,documents",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"faults{number}-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def workers_run(self, count: int) -> None:
        """Keep `count` workers running (as bin/run-dev does: one that dies starts again)."""
        self.wanted = set(range(1, count + 1))
        for number in self.wanted:
            if number not in self.workers or self.workers[number].poll() is not None:
                self.workers[number] = self._worker(number)
        for number in list(self.workers):
            if number not in self.wanted:
                self._end(self.workers.pop(number))
        if not self._watch.is_alive():
            self._watch.start()

    def _supervise(self) -> None:
        while not self._stop.wait(0.5):
            for number in list(self.wanted):
                process = self.workers.get(number)
                if process is not None and process.poll() is not None:
                    self.restarts += 1
                    self.workers[number] = self._worker(number)

    def worker_kill(self, number: int = 1) -> None:
        os.kill(self.workers[number].pid, signal.SIGKILL)
        self.kill_times.append(time.time())

    @staticmethod
    def _end(process: subprocess.Popen) -> None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        self._stop.set()
        self.wanted = set()
        for process in self.workers.values():
            self._end(process)
        for process in (self.smtp, self.redis):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()

    def delivered(self) -> collections.Counter:
        return collections.Counter({to: len(ids) for to, ids in self.deliveries().items()})

    def deliveries(self) -> dict[str, list[dict]]:
        return smtp_deliveries(self.smtp_log)

    def holding(self, what: str = "holding") -> int:
        """How many times the server has held a recipient ('holding') or the answer to a
        message it took ('holding-accepted')."""
        mark = f'"{what}"'
        return sum(mark in line for line in self.smtp_log.read_text().splitlines())
