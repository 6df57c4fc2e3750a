# The two commands: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_BENCH := $(VENV)/.installed-bench
STAMP_MUTANTS := $(VENV)/.installed-mutants
STAMP_NPM := node_modules/.installed
CSS := build/static/css/app.css
# make test runs the suite in this many processes (pytest-xdist): one per core by default.
TEST_PROCESSES ?= auto

.PHONY: install run test lint scan bench faults clean demo pdf-newest mutants

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

# `PORT=8101 make run` serves on another port. The links in emails point at it (SITE_URL,
# unless that is set too): the demo's emails are written by seed_demo, the others by the
# server and the worker bin/run-dev starts.
PORT ?= 8000
RUN_SITE_URL = $(or $(SITE_URL),http://127.0.0.1:$(PORT))

run: install
	$(PY) manage.py migrate --noinput
	SITE_URL=$(RUN_SITE_URL) $(PY) manage.py seed_demo
	@PORT=$(PORT) SITE_URL=$(RUN_SITE_URL) bin/run-dev

test: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run --settings=scr.settings_test
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadgroup $(PYTEST_ARGS)

$(STAMP_BENCH): $(STAMP_PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

# Needs PostgreSQL (BENCH_DATABASE_URL); see BENCHMARKS.md.
bench: install $(STAMP_BENCH)
	$(PY) bench/run.py

$(STAMP_MUTANTS): $(STAMP_PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,mutants]'
	@touch $@

# Mutation testing of the rules modules listed in tests/mutants.toml (not part of `make test`;
# see README for its time). One module: make mutants MODULE=referrals/criteria.py; the
# state machines' transitions alone: make mutants MODULE=fsm
mutants: install $(STAMP_MUTANTS)
	$(PY) bin/mutants.py $(MODULE)

# Every kind of email under each fault (worker killed, Redis restarted empty, SMTP down,
# two workers and two sweeps at once), counted by a real SMTP server: expected, delivered,
# lost, duplicated. Needs PostgreSQL (FAULTS_DATABASE_URL, a database of its own, seeded
# with the demo on the first run) and redis-server; starts its own Redis (port 6391),
# SMTP server (2591) and workers on 127.0.0.1. About 5 minutes. See README, "Email".
# One fault several times: .venv/bin/python bench/faults.py --faults kill --repeat 10
faults: install
	$(PY) bench/faults.py

lint: install
	$(VENV)/bin/ruff check .

# bandit (no medium or high finding in the source) and pip-audit (no known vulnerability
# in the venv, less .ci/pip-audit-ignore.txt), as tests/test_scans.py, which `make test`
# runs too. pip-audit needs pypi.org: the summary line says when it was skipped, and why.
scan: install
	$(VENV)/bin/pytest -rs tests/test_scans.py

# The PDF tests against the newest WeasyPrint and pydyf from PyPI, in a throwaway venv (not
# part of `make test`). The first run must pass: every PDF renders, and on a version
# scr/documents/engine.py does not know, long documents are laid out in one pass (the log
# line says so). The second tells whether the parallel pipeline's use of their internals
# still works there: if it passes, the new series may join engine.TESTED and the pins.
NEWEST := var/pdf-newest
NEWEST_PIP := $(NEWEST)/bin/python -m pip install --quiet --disable-pip-version-check
pdf-newest: install
	rm -rf $(NEWEST)
	python3 -m venv $(NEWEST)
	$(NEWEST_PIP) --upgrade pip
	$(NEWEST_PIP) -e '.[test]'
	@# pip warns that scr-service pins older ones: the point of this venv.
	$(NEWEST_PIP) --upgrade weasyprint pydyf
	@DJANGO_SETTINGS_MODULE=scr.settings_test $(NEWEST)/bin/python -c "import django; \
	django.setup(); from scr.documents import engine; print('pdf-newest:', engine.installed(), \
	'->', engine.unknown() or 'tested: the pipeline in parts')"
	$(NEWEST)/bin/pytest -n 0 -q tests/documents tests/security/test_pdf_safety.py \
	  --ignore=tests/documents/test_parallel_pdf.py -m "not celery_worker" \
	  --deselect tests/documents/test_engine.py::test_the_versions_installed_here_are_the_tested_ones
	-$(NEWEST)/bin/pytest -n 0 -q tests/documents/test_parallel_pdf.py -m "not celery_worker"
	rm -rf $(NEWEST)

clean:
	rm -rf $(VENV) node_modules build var
