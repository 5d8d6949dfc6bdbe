"""Statements written for psycopg (`bot.sqlutil.run`) fail as SQLAlchemy's own do: the same
exception classes (callers catch `IntegrityError`, `SQLAlchemyError`), and a connection the
server dropped is invalidated so the pool replaces it and the front door retries."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.db import normalise_url
from bot.sqlutil import driver, run


def raw_of(connection: Connection):  # type: ignore[no-untyped-def]
    raw = driver(connection)
    if raw is None:
        pytest.skip("statements for psycopg run on PostgreSQL only")
    return raw


def test_a_driver_error_is_sqlalchemys(db_url: str) -> None:
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as connection:
        raw = raw_of(connection)
        connection.execute(text("CREATE TEMP TABLE t (k int PRIMARY KEY)"))
        run(connection, raw, "INSERT INTO t VALUES (%(k)s)", {"k": 1})
        with pytest.raises(IntegrityError):
            run(connection, raw, "INSERT INTO t VALUES (%(k)s)", {"k": 1})
    engine.dispose()


def test_a_dropped_connection_is_invalidated(db_url: str) -> None:
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as connection:
        raw = raw_of(connection)
        pid = raw.info.backend_pid
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        with pytest.raises(DBAPIError) as caught:
            run(connection, raw, "SELECT 1")
        assert caught.value.connection_invalidated
        assert connection.invalidated
    with engine.connect() as fresh:  # the pool gives a working connection again
        assert fresh.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
