"""Shared fixtures: settings, databases (SQLite always, PostgreSQL when reachable) and services.

Tests that take the `db_url` fixture run once per database. `--clock-at ISO-DATETIME` runs the
whole suite with the machine's clock moved there (time-machine), to prove no test depends on
today's date (`make test-dates`). PostgreSQL comes from
CCHC_TEST_POSTGRES_URL (the Makefile sets the local one); in CI an unreachable PostgreSQL fails
the run instead of skipping it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine

from bot.config import Settings
from bot.db import normalise_url, temporary_postgres, upgrade
from bot.runtime import Services, build, build_matcher
from knowledge.matcher import Matcher

POSTGRES_URL = os.environ.get("CCHC_TEST_POSTGRES_URL", "")
# The `browser` fixture (headless system Chromium) for the web chat and staff desk tests.
pytest_plugins = ["tests.browser"]


def _postgres_available() -> bool:
    if not POSTGRES_URL:
        return False
    try:
        engine = create_engine(normalise_url(POSTGRES_URL))
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        if os.environ.get("CI"):
            raise
        return False
    return True


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-at",
        default="",
        help="run with the machine's clock moved to this ISO datetime (2027-02-08T09:00+07:00)",
    )


@pytest.fixture(scope="session", autouse=True)
def moved_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """With --clock-at, every test sees that moment (ticking) as the real time."""
    at = str(request.config.getoption("--clock-at"))
    if not at:
        yield
        return
    with time_machine.travel(dt.datetime.fromisoformat(at), tick=True):
        yield


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    """The default knowledge base, indexed once per test session."""
    return build_matcher(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        upgrade(url)
        yield url
        return
    if not _postgres_available():
        pytest.skip("PostgreSQL not reachable (set CCHC_TEST_POSTGRES_URL)")
    with temporary_postgres(POSTGRES_URL, "cchc_test") as url:
        yield url


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Settings for a test: its own database, no token, no .env file."""
    return Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]


@pytest.fixture
def services(settings: Settings, matcher: Matcher) -> Iterator[Services]:
    """The built application on the test database (the KB index is shared)."""
    built = build(settings, matcher)
    yield built
    built.engine.dispose()
