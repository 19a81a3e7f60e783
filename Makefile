# Parley: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

BENCH_STAMP := $(VENV)/.bench-stamp

.PHONY: bench run test lint typecheck pytest migrate makemigrations demo token schema clean cluster

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
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

## Serve Parley on HOST:PORT (default 127.0.0.1:8000) with migrations applied and demo data loaded.
run: $(STAMP)
	$(PY) -m cli serve

## Two processes (ports 8001, 8002) on the local PostgreSQL and Redis; Ctrl-C stops both.
CLUSTER_DB ?= parley_cluster
cluster: $(STAMP)
	createdb -h 127.0.0.1 -U postgres $(CLUSTER_DB) 2>/dev/null || true
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(CLUSTER_DB) $(PY) -m cli demo
	trap 'kill 0' INT TERM EXIT; \
	for port in 8001 8002; do \
	  DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(CLUSTER_DB)?maxsize=10 \
	  BROADCAST_URL=redis://127.0.0.1:6379 PARLEY_DEMO=false \
	  $(PY) -m uvicorn --factory server:create_app --host 127.0.0.1 --port $$port & \
	done; wait

## Lint, type-check and run the whole test suite.
test: lint typecheck pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

pytest: $(STAMP) $(AUDIT_STAMP) $(CLIENTS_STAMP)
	$(PY) -m pytest

## Apply migrations to DATABASE_URL.
migrate: $(STAMP)
	$(PY) -m cli migrate

## Write a migration for model changes (tortoise-orm's own autodetector).
makemigrations: $(STAMP)
	$(PY) -m cli makemigrations

## Load demo data into an empty database and print tokens.
demo: $(STAMP)
	$(PY) -m cli demo

## Issue a development token: make token ACCOUNT=1 (or ROLE=service).
token: $(STAMP)
	$(PY) -m cli token $(if $(ROLE),--role $(ROLE),) $(ACCOUNT)

## Rewrite schema.graphql from the code's schema.
schema: $(STAMP)
	$(PY) -m cli export-schema > schema.graphql

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

## Benchmarks (bench/README.md): server on core 0, load on core 1. BENCH_ARGS=--full for the
## issue's full size; BENCH_ARGS="--variants tuned,stock" compares within one run.
bench: $(BENCH_STAMP)
	command -v wrk || (apt-get update && apt-get install -y wrk)
	cd bench/anchor && npm ci --no-audit --no-fund
	$(PY) -m bench.dataset
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache $(AUDIT)/node_modules $(CLIENTS)/node_modules
