"""The service's own settings with one page added for the load test's floor
(bench/urls.py). Used only by `make bench`'s gunicorn."""

from scr.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
