# Parley: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

BENCH_STAMP := $(VENV)/.bench-stamp

.PHONY: bench run test lint graphiql-assets typecheck pytest chromium migrate makemigrations demo token schema clean cluster lock upgrade

LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev.txt
BENCH_LOCK := requirements/bench.txt
UV := $(VENV)/bin/uv
COMPILE := $(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet

# Every machine runs the locked versions (hashes checked). Parley itself is not installed
# into the development venv: `.venv/src/parley` links to this tree, so `import parley.x`
# runs the source here, exactly as the wheel lays it out (setup.py).
define install_locked
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(1)
	mkdir -p $(VENV)/src && ln -sfn ../.. $(VENV)/src/parley
	$(PY) -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_path('purelib'), 'parley-source.pth').write_text(str(pathlib.Path('$(VENV)/src').resolve()) + chr(10))"
endef

$(STAMP): $(DEV_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(call install_locked,$(DEV_LOCK))
	touch $(STAMP)

# The graphql-http conformance audit (npm) that tests/wire/test_graphql_http_audit.py runs.
AUDIT := tools/graphql-http
AUDIT_STAMP := $(AUDIT)/node_modules/.installed-stamp

$(AUDIT_STAMP): $(AUDIT)/package.json $(AUDIT)/package-lock.json
	npm ci --prefix $(AUDIT) --no-audit --no-fund --loglevel=error
	touch $(AUDIT_STAMP)

# Real GraphQL clients (graphql-ws in Node) that tests/wire/test_graphql_ws_client.py runs.
CLIENTS := tools/clients
CLIENTS_STAMP := $(CLIENTS)/node_modules/.installed-stamp

$(CLIENTS_STAMP): $(CLIENTS)/package.json $(CLIENTS)/package-lock.json
	npm ci --prefix $(CLIENTS) --no-audit --no-fund --loglevel=error
	touch $(CLIENTS_STAMP)

# The browser tests (tests/browser/): playwright-core (npm) driving Debian's chromium, which
# `chromium` installs as root; where it cannot, the tests skip (fail under PARLEY_REQUIRE_SERVICES=1).
BROWSER := tools/browser
BROWSER_STAMP := $(BROWSER)/node_modules/.installed-stamp

$(BROWSER_STAMP): $(BROWSER)/package.json $(BROWSER)/package-lock.json
	npm ci --prefix $(BROWSER) --no-audit --no-fund --loglevel=error
	touch $(BROWSER_STAMP)

chromium:
	$(BROWSER)/install-chromium.sh

## Serve Parley on HOST:PORT (default 127.0.0.1:8000) with migrations applied and demo data loaded.
run: $(STAMP)
	$(PY) -m parley.cli serve

## Two processes (ports 8001, 8002) on the local PostgreSQL and Redis; Ctrl-C stops both.
CLUSTER_DB ?= parley_cluster
cluster: $(STAMP)
	createdb -h 127.0.0.1 -U postgres $(CLUSTER_DB) 2>/dev/null || true
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(CLUSTER_DB) $(PY) -m parley.cli demo
	trap 'kill 0' INT TERM EXIT; \
	for port in 8001 8002; do \
	  DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(CLUSTER_DB)?maxsize=10 \
	  BROADCAST_URL=redis://127.0.0.1:6379 PARLEY_DEMO=false \
	  $(PY) -m uvicorn --factory parley.server:create_app --host 127.0.0.1 --port $$port & \
	done; wait

## Lint, type-check and run the whole test suite.
test: lint typecheck pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

typecheck: $(STAMP)
	$(PY) -m mypy

# Two workers (the machines have two cores), a test file to a worker: a file's module
# fixtures (the built wheel, say) are made once. PYTEST_ARGS adds options or paths.
PYTEST_ARGS ?=
pytest: $(STAMP) $(AUDIT_STAMP) $(CLIENTS_STAMP) $(BROWSER_STAMP) chromium
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## Apply migrations to DATABASE_URL.
migrate: $(STAMP)
	$(PY) -m parley.cli migrate

## Write a migration for model changes (tortoise-orm's own autodetector).
makemigrations: $(STAMP)
	$(PY) -m parley.cli makemigrations

## Load demo data into an empty database and print tokens.
demo: $(STAMP)
	$(PY) -m parley.cli demo

## Issue a development token: make token ACCOUNT=1 (or ROLE=service).
token: $(STAMP)
	$(PY) -m parley.cli token $(if $(ROLE),--role $(ROLE),) $(ACCOUNT)

## Refresh GraphiQL's committed assets (static/graphiql/vendor/) from the versions pinned in
## tools/graphiql/package-lock.json. Only after editing those pins: make run and make test never need it.
GRAPHIQL := tools/graphiql
graphiql-assets:
	npm ci --prefix $(GRAPHIQL) --no-audit --no-fund --loglevel=error --ignore-scripts
	node $(GRAPHIQL)/copy.mjs

## Rewrite schema.graphql from the code's schema.
schema: $(STAMP)
	$(PY) -m parley.cli export-schema > schema.graphql

$(BENCH_STAMP): $(STAMP) $(BENCH_LOCK)
	$(call install_locked,$(BENCH_LOCK))
	touch $(BENCH_STAMP)

## Benchmarks (bench/README.md): server on core 0, load on core 1. BENCH_ARGS=--full for the
## issue's full size; BENCH_ARGS="--variants tuned,stock" compares within one run.
bench: $(BENCH_STAMP)
	command -v wrk || (apt-get update && apt-get install -y wrk)
	cd bench/anchor && npm ci --no-audit --no-fund
	$(PY) -m bench.dataset
	$(PY) -m bench.run $(BENCH_ARGS)

## Rewrite the lock files after a change to pyproject.toml (same versions where possible).
lock: $(STAMP)
	$(COMPILE) -o $(LOCK)
	$(COMPILE) --extra dev -o $(DEV_LOCK)
	$(COMPILE) --extra dev --extra bench -o $(BENCH_LOCK)

## Move every dependency to its newest allowed version, reinstall, and run the whole suite.
## Pinned libraries (pyproject.toml) move only when their pin is edited first.
upgrade: $(STAMP)
	$(COMPILE) --upgrade -o $(LOCK)
	$(COMPILE) --upgrade --extra dev -o $(DEV_LOCK)
	$(COMPILE) --upgrade --extra dev --extra bench -o $(BENCH_LOCK)
	$(MAKE) test

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache $(AUDIT)/node_modules $(CLIENTS)/node_modules \
	  $(BROWSER)/node_modules test-artifacts
	rm -rf $(GRAPHIQL)/node_modules
