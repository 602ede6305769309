# Every target sets up .venv on first use, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-postgres fuzz bench lint typecheck pytest clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Seed a demo store (SQLite under ./data) and run it; other ports or options:
## make demo ARGS="--gateway-port 18080 --mock-port 18081".
demo: $(STAMP)
	$(BIN)/python -m seed demo --serve $(ARGS)

## ruff, mypy and the whole pytest suite.
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

## The whole pytest suite against a throwaway PostgreSQL server (Debian's package, installed
## when missing), started on 127.0.0.1 and removed afterwards.
test-postgres: $(STAMP)
	tests/postgres/with_postgres.sh $(BIN)/pytest

## A long schemathesis run against the mock server (FUZZ_EXAMPLES cases per operation).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} $(BIN)/pytest -m slow tests/mock_server/test_fuzz.py

## Benchmarks against DuckDB, a bare Starlette route and Prism (peers installed under
## bench-results/, never into .venv). Options: make bench BENCH_ARGS="--sizes 100000".
bench: $(STAMP)
	tests/bench/setup.sh bench-results
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data bench-results .pytest_cache .mypy_cache .ruff_cache .hypothesis
