# OpenIPT: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n 0" runs it in one process. Work stealing: a worker
# that finishes its half takes tests still waiting on the other, so the long tests at the front (fuzzing, browser
# journeys) do not leave one worker running alone at the end (the `load` default sent them all to one worker).
PYTEST_ARGS ?= -n auto --dist worksteal

# The exact versions installed, each checked against its hash; `make lock` renews them from pyproject.toml.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LOAD_LOCK := requirements-load.lock

.PHONY: run test check lint lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The dependencies from the lock file, then OpenIPT itself without dependencies (so nothing unpinned slips in).
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/openipt serve --demo --port $(PORT)

# CI's second run (OPENIPT_DATABASE_TESTS_ONLY=1, on PostgreSQL) leaves out `check`: the first run did it.
test: $(VENV)/.installed-dev $(if $(filter 1,$(OPENIPT_DATABASE_TESTS_ONLY)),,check)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The gates CI passes before any test runs. A new gate is one more prerequisite here.
.PHONY: check
check: lint imports mypy migrations deploy-check

# Every model change has its migration.
.PHONY: migrations
migrations: $(VENV)/.installed-dev
	$(BIN)/python -m openipt.cli manage makemigrations --check --dry-run

# Django's deployment checks in production mode, with a throw-away secret key and host name; a warning fails.
.PHONY: deploy-check
deploy-check: $(VENV)/.installed-dev
	env -u DATABASE_URL OPENIPT_MODE=production OPENIPT_ALLOWED_HOSTS=openipt.example.org \
		OPENIPT_EMAIL_URL=smtp://mail.example.org:587 \
		OPENIPT_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(BIN)/python -m openipt.cli manage check --deploy --fail-level WARNING

# Renew both lock files from pyproject.toml: for Python 3.11 on x86_64 Linux, from PyPI only, every file hashed.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --index-url https://pypi.org/simple --custom-compile-command "make lock"
lock: $(VENV)/.installed-dev
	$(UV_COMPILE) --output-file $(LOCK)
	$(UV_COMPILE) --extra dev --output-file $(DEV_LOCK)
	$(UV_COMPILE) --extra bench --output-file $(LOAD_LOCK)

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/bulk_export.py $(BENCH_BULK_ARGS)
	$(BIN)/python bench/programme_dashboard.py $(BENCH_PROGRAMME_ARGS)
	$(BIN)/python bench/ingest.py $(BENCH_INGEST_ARGS)

# OpenIPT against the peer (CamCOPS), page for page, interleaved (issue 15; bench/README.md, "make bench-peer").
# The peer must be running: `bash ../shared/peers/camcops-setup.sh all`. Never run in CI.
PEER_URL ?= http://127.0.0.1:8088
PEER_USER ?= admin
PEER_PASSWORD ?=
.PHONY: bench-peer
bench-peer: $(VENV)/.installed-dev
	PEER_PASSWORD="$(PEER_PASSWORD)" $(BIN)/python bench/peer.py --peer-url "$(PEER_URL)" --peer-user "$(PEER_USER)" \
		$(BENCH_PEER_ARGS)

# The load test (docs/operations/production.md, "Load test"): the production topology as plain processes on a
# fresh PostgreSQL database (DATABASE_URL names the server; default postgres@127.0.0.1), LOAD_USERS people for
# LOAD_MINUTES minutes with Locust; LOAD_KILL=1 SIGKILLs one app server mid-run. Locust lives in a venv of its
# own (.venv-load, from requirements-load.lock, hashes checked), so .venv is never touched.
LOAD_VENV := .venv-load
LOAD_USERS ?= 200
LOAD_MINUTES ?= 10
LOAD_KILL ?=
$(LOAD_VENV)/.installed: $(LOAD_LOCK) pyproject.toml
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOAD_VENV)/bin/python -m pip install --quiet --require-hashes -r $(LOAD_LOCK)
	$(LOAD_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

.PHONY: load
load: $(LOAD_VENV)/.installed
	$(LOAD_VENV)/bin/python bench/load/run.py --users $(LOAD_USERS) --minutes $(LOAD_MINUTES) \
		$(if $(filter 1,$(LOAD_KILL)),--kill,) $(LOAD_ARGS)

# A longer run of tests/test_fuzz.py: random hostile values, every role that may use each page.
# FUZZ_ROUNDS random rounds per page and form, FUZZ_SEED to repeat a run, FUZZ_SECONDS per test at most.
FUZZ_ROUNDS ?= 20
FUZZ_SECONDS ?= 600
.PHONY: fuzz
fuzz: $(VENV)/.installed-dev
	OPENIPT_FUZZ_ROUNDS=$(FUZZ_ROUNDS) OPENIPT_FUZZ_SEED=$(FUZZ_SEED) OPENIPT_FUZZ_SECONDS=$(FUZZ_SECONDS) \
		$(BIN)/python -m pytest tests/test_fuzz.py $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check openipt tests bench

# Type checks: mypy with the django-stubs plugin, settings in pyproject.toml ([tool.mypy]).
.PHONY: mypy
mypy: $(VENV)/.installed-dev
	$(BIN)/mypy

# The import contracts in .importlinter: apps depend downwards only, no app loads the demo data,
# pure engines import no Django.
.PHONY: imports
imports: $(VENV)/.installed-dev
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) $(LOAD_VENV) var .pytest_cache .mypy_cache

# The browser tests write the pictures the README and the guides show into docs/images/. Among them,
# tests/e2e/test_today_week_axe.py writes Today and the week calendar at desktop width and on a phone
# (today, today-phone, week, week-day-phone, week-move) and the working hours setting.
# SCREENSHOT_TESTS=tests/e2e/test_today_week_axe.py renews only those.
SCREENSHOT_TESTS ?= tests/e2e
.PHONY: screenshots
screenshots: $(VENV)/.installed-dev
	OPENIPT_SCREENSHOTS=docs/images $(BIN)/python -m pytest $(SCREENSHOT_TESTS) -q
	@if command -v pngquant >/dev/null; then pngquant --force --skip-if-larger --ext .png --quality 70-95 docs/images/*.png || true; \
	else echo "pngquant not found: screenshots left as Chromium wrote them"; fi
