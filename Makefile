# The two commands: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_BENCH := $(VENV)/.installed-bench
STAMP_NPM := node_modules/.installed
CSS := build/static/css/app.css
# make test runs the suite in this many processes (pytest-xdist): one per core by default.
TEST_PROCESSES ?= auto

.PHONY: install run test lint scan bench faults clean demo

install: $(STAMP_PY) $(STAMP_NPM) $(CSS)

# setuptools is upgraded with pip: the one a Python 3.11 venv starts with (65.5) has
# known vulnerabilities (CVE-2022-40897, CVE-2024-6345, CVE-2025-47273) that pip-audit
# (make scan) would report.
$(STAMP_PY): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(CSS): $(STAMP_NPM) static/scss/app.scss
	npm run --silent build:css

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@bin/run-dev

test: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run --settings=scr.settings_test
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadgroup $(PYTEST_ARGS)

$(STAMP_BENCH): $(STAMP_PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

# Needs PostgreSQL (BENCH_DATABASE_URL); see BENCHMARKS.md.
bench: install $(STAMP_BENCH)
	$(PY) bench/run.py

# Every kind of email under each fault (worker killed, Redis restarted empty, SMTP down,
# two workers and two sweeps at once), counted by a real SMTP server: expected, delivered,
# lost, duplicated. Needs PostgreSQL (FAULTS_DATABASE_URL, a database of its own, seeded
# with the demo on the first run) and redis-server; starts its own Redis (port 6391),
# SMTP server (2591) and workers on 127.0.0.1. About 5 minutes. See README, "Email".
faults: install
	$(PY) bench/faults.py

lint: install
	$(VENV)/bin/ruff check .

# bandit (no medium or high finding in the source) and pip-audit (no known vulnerability
# in the venv, less .ci/pip-audit-ignore.txt), as tests/test_scans.py, which `make test`
# runs too. pip-audit needs pypi.org: the summary line says when it was skipped, and why.
scan: install
	$(VENV)/bin/pytest -rs tests/test_scans.py

clean:
	rm -rf $(VENV) node_modules build var
