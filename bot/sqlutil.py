"""SQL that differs between PostgreSQL and SQLite, written once."""

from __future__ import annotations

import functools
from typing import Any

import psycopg
from sqlalchemy import Connection, CursorResult, Executable, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_unless_exists(
    session: Session, model: type[DeclarativeBase], values: dict[str, Any], keys: list[str]
) -> bool:
    """INSERT … ON CONFLICT (keys) DO NOTHING; True when the row was inserted.

    Unlike a savepoint around a plain INSERT this never aborts the surrounding transaction, and
    it behaves the same on PostgreSQL and SQLite (where pysqlite's savepoints are unreliable).
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(*inspect(model).primary_key)  # rowcount is not reliable here on psycopg
    )
    return session.execute(statement).first() is not None


def rowcount(result: object) -> int:
    """Rows touched by an UPDATE/DELETE executed through a Session."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def upsert(
    session: Session, model: type[DeclarativeBase], values: dict[str, Any], keys: list[str]
) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET every other given column: one statement,
    no SELECT first and no ORM bookkeeping (the row is not loaded into the session)."""
    dialect = session.get_bind().dialect.name
    statement = _upsert(dialect, model, tuple(keys), tuple(values))
    session.connection().execute(statement, values)


@functools.cache
def _upsert(
    dialect: str, model: type[DeclarativeBase], keys: tuple[str, ...], columns: tuple[str, ...]
) -> Executable:
    """Built once per shape: building the statement costs more than running it cached."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model)
    changed = {name: statement.excluded[name] for name in columns if name not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=changed)


def driver(connection: Connection) -> psycopg.Connection[Any] | None:
    """The psycopg connection under `connection`, or None (SQLite: use SQLAlchemy)."""
    raw = connection.connection.driver_connection
    return raw if isinstance(raw, psycopg.Connection) else None


def run(
    connection: Connection, raw: psycopg.Connection[Any], sql: str, params: Any = None
) -> psycopg.Cursor[Any]:
    """Execute hand-written `sql` (psycopg placeholders) on `raw`, the driver connection under
    `connection`: a third of the CPU of a cached SQLAlchemy statement (no compiled-cache key,
    no result proxy). A driver error becomes SQLAlchemy's (IntegrityError, OperationalError
    ...), and a dead connection is invalidated, exactly as on SQLAlchemy's own path."""
    try:
        return raw.execute(sql, params)
    except psycopg.Error as error:
        connection._handle_dbapi_exception(error, sql, params, None, None)
        raise  # pragma: no cover - the call above always raises
