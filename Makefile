# Amparo: the one entry point for people and CI.
#   make run    install into .venv, migrate, load demo data (first run), serve http://127.0.0.1:8000/ + a task worker
#   make test   install and run every test (SQLite, then PostgreSQL when available; browser tests once)
#   make bench  run the benchmarks in bench/ (never part of make test)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/amparo compile-catalogs

run: install
	bash scripts/run.sh

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,bench]"
	bash bench/run_all.sh

# Refresh every gettext catalog after changing user-facing strings (needs GNU gettext).
messages: install
	bash scripts/messages.sh

clean:
	rm -rf $(VENV) var test-output
