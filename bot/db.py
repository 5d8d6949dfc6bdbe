"""Engine, sessions and schema upgrades for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() != "sqlite":
        # hide_parameters: an SQL error must never carry a citizen's text into a log.
        # No pre-ping: it costs a round trip on every checkout (3 per message at the front
        # door); a connection that died is invalidated on its first error and replaced, and
        # the front door retries a message whose connection was invalidated.
        return create_engine(url, hide_parameters=True, pool_size=10, pool_recycle=1800)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 15}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory: one session (one transaction) per message or staff request."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at migrations/ and at `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    command.upgrade(alembic_config(url), revision)


@contextlib.contextmanager
def temporary_postgres(admin_url: str, prefix: str) -> Iterator[str]:
    """A new PostgreSQL database migrated to head, dropped afterwards (tests, benchmarks)."""
    admin_address = make_url(normalise_url(admin_url))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_address, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_address.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
