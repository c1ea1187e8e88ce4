# OpenIPT: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/openipt serve --demo --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)

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
	rm -rf $(VENV) var .pytest_cache .mypy_cache

.PHONY: screenshots
screenshots: $(VENV)/.installed-dev
	OPENIPT_SCREENSHOTS=docs/images $(BIN)/python -m pytest tests/e2e -q
	@if command -v pngquant >/dev/null; then pngquant --force --skip-if-larger --ext .png --quality 70-95 docs/images/*.png || true; \
	else echo "pngquant not found: screenshots left as Chromium wrote them"; fi
