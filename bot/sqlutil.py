"""SQL that differs between PostgreSQL and SQLite, written once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, inspect
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
