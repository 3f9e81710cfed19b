# Trustmeter's everyday commands. `make run` and `make test` are the README's two set-up steps.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` needs only the runtime packages; tests and dev tools come with `make test`.
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the demo's printed links and e-mails point at; set it yourself behind a proxy.
TRUSTMETER_BASE_URL ?= http://$(HOST):$(PORT)
# Two test processes by default (CI has two cores); every test is bounded in time.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --timeout 900

.PHONY: run test test-sqlite test-postgres lint install install-runtime system-deps migration bench clean

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV) || { bash scripts/install-system-deps.sh python && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

install-runtime: $(RUNTIME)

install: $(STAMP)

## Run Trustmeter with the demo collaboration on SQLite at http://127.0.0.1:8000 (PORT=, HOST=)
run: $(RUNTIME)
	TRUSTMETER_BASE_URL=$(TRUSTMETER_BASE_URL) $(BIN)/trustmeter demo
	TRUSTMETER_BASE_URL=$(TRUSTMETER_BASE_URL) TRUSTMETER_IN_PROCESS_WORKER=true \
		$(BIN)/trustmeter serve --host $(HOST) --port $(PORT)

system-deps:
	bash scripts/install-system-deps.sh

## Install everything and run the whole test suite on SQLite, then on PostgreSQL
test: $(STAMP) system-deps lint test-sqlite test-postgres

# The whole suite on SQLite, then again on PostgreSQL for everything that touches the
# database. Tests marked `postgres` need PostgreSQL itself (crashing it, SKIP LOCKED), so they
# run in the PostgreSQL pass only. The pure scoring core, the bench harness, the browser tests
# and tests marked `once` (a fresh clone's install, random schema runs) do not depend on the
# database: they run in the first pass only, which keeps CI well within its time.
test-sqlite: $(STAMP)
	TRUSTMETER_TEST_DATABASE=sqlite $(PYTEST) -m "not postgres"

test-postgres: $(STAMP)
	TRUSTMETER_TEST_DATABASE=postgres $(PYTEST) -m "not once and not browser" \
		--ignore=tests/scoring --ignore=tests/bench

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/mypy

## Add a migration for a change to app/models: make migration MESSAGE="what changed"
migration: $(STAMP)
	bash scripts/new-migration.sh "$(MESSAGE)"

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
