"""The load test's users (`make bench`; bench/load.py starts locust with this file).

Each locust user is one signed-in person of the large dataset: bench/load.py signs them
in through the real sign-in and code pages before the measured run, and passes their
session cookies and pages in the file named by BENCH_PERSONAS. A user opens one of its
pages, waits BENCH_THINK_SECONDS (a range, "5-15"), and opens another. BENCH_PAGES=floor
asks only for the floor page instead."""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

PERSONAS = json.loads(open(os.environ["BENCH_PERSONAS"]).read())  # noqa: SIM115
ONLY_FLOOR = os.environ.get("BENCH_PAGES") == "floor"
THINK = [float(part) for part in os.environ.get("BENCH_THINK_SECONDS", "5-15").split("-")]
_next = itertools.cycle(PERSONAS)


class Person(HttpUser):
    wait_time = between(THINK[0], THINK[-1])

    def on_start(self):
        self.persona = next(_next)
        self.client.cookies.set("sessionid", self.persona["session"])
        if ONLY_FLOOR:
            self.pages = [("Floor: a constant from a minimal view", "/bench/floor/")]
        else:
            self.pages = [(name, url) for name, url in self.persona["pages"]]

    @task
    def open_a_page(self):
        name, url = random.choice(self.pages)  # noqa: S311
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
