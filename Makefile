# alta: `make run` to run it, `make test` to test it, `make bench` for the benchmarks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgresql bench lint setup system translations clean

$(STAMP): pyproject.toml | system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: system $(STAMP) translations

system:
	scripts/setup-system.sh

translations: $(STAMP)
	$(BIN)/python scripts/translations.py build

# axe-core for the accessibility checks of the browser tests, from the npm registry, pinned by the lock file.
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json | system
	npm ci --prefix tests/browser/axe --no-audit --no-fund --loglevel=error
	touch $(AXE)

run: setup
	$(BIN)/python -m app.devservices

# The whole suite on SQLite, then again on PostgreSQL (browser tests included in both).
test: setup $(AXE)
	$(BIN)/ruff check .
	ALTA_TEST_DATABASE=sqlite $(BIN)/pytest $(PYTEST_ARGS)
	ALTA_TEST_DATABASE=postgresql $(BIN)/pytest $(PYTEST_ARGS)

test-sqlite: setup $(AXE)
	ALTA_TEST_DATABASE=sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgresql: setup $(AXE)
	ALTA_TEST_DATABASE=postgresql $(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m tests.bench

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
