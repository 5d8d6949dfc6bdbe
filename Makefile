# Two commands: `make run` (set up and start on SQLite) and `make test` (set up and run every check).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export CCHC_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test lint bench eval clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/cchc-bot db upgrade
	$(BIN)/cchc-bot serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/cchc-bot kb validate
	$(BIN)/pytest

eval: install
	$(BIN)/cchc-bot eval tests/data/devset.yaml

bench: install
	$(BIN)/cchc-bot bench --json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
