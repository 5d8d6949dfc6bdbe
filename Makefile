# Two commands: `make run` (set up and start on SQLite) and `make test` (set up and run every check).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export CCHC_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

# Dates the suite is also run at (machine clock moved): a year end at night, a Tết week, 29 February.
CLOCK_DATES ?= 2026-12-31T23:30+07:00 2027-02-08T09:00+07:00 2028-02-29T16:59+07:00

.PHONY: install run test test-dates lint bench eval clean chromium

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# The web tests drive Debian's Chromium (Playwright never downloads a browser): installed when missing.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { \
		echo "== installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium \
		|| { $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }; }

run: install
	$(BIN)/cchc-bot db upgrade
	$(BIN)/cchc-bot serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint chromium
	$(BIN)/cchc-bot kb validate
	$(BIN)/pytest
	$(MAKE) --no-print-directory test-dates

# The suite (SQLite) with the clock moved: no test may depend on today's date.
test-dates: install
	for at in $(CLOCK_DATES); do \
		echo "== clock at $$at"; \
		CCHC_TEST_POSTGRES_URL= $(BIN)/pytest -q --clock-at "$$at" || exit 1; \
	done

eval: install
	$(BIN)/cchc-bot eval tests/data/devset.yaml

bench: install
	$(BIN)/cchc-bot bench --json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
