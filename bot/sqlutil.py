"""SQL that differs between PostgreSQL and SQLite, written once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import (
    JSON,
    Column,
    ColumnDefault,
    Connection,
    CursorResult,
    Executable,
    Table,
    TypeDecorator,
    insert,
    inspect,
)
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
    connection = session.connection()
    raw = driver(connection)
    if raw is not None:
        sql, bind = _pg_upsert(model, tuple(keys), tuple(values))
        run(connection, raw, sql, bind(values))
        return
    statement = _upsert(connection.dialect.name, model, tuple(keys), tuple(values))
    connection.execute(statement, values)


def insert_returning_id(
    session: Session, model: type[DeclarativeBase], values: dict[str, Any]
) -> int:
    """INSERT one row (the model's Python-side defaults for columns not given) and return its
    id, as a statement of its own: no ORM object, no unit of work."""
    connection = session.connection()
    raw = driver(connection)
    if raw is not None:
        sql, bind = _pg_insert(model, tuple(values))
        row = run(connection, raw, sql, bind(values)).fetchone()
        assert row is not None, "INSERT ... RETURNING gives its row"
        return int(row[0])
    statement = _insert_returning(model)
    return int(connection.execute(statement, values).scalar_one())


@functools.cache
def _insert_returning(model: type[DeclarativeBase]) -> Executable:
    return insert(model).returning(*inspect(model).primary_key)


Binder = Callable[[dict[str, Any]], dict[str, Any]]


@functools.cache
def _pg_insert(model: type[DeclarativeBase], columns: tuple[str, ...]) -> tuple[str, Binder]:
    """INSERT ... RETURNING id for psycopg, and what turns given values into its parameters."""
    table, sql, bind = _pg_values(model, columns)
    (key,) = (c.key for c in table.primary_key)
    return f"{sql} RETURNING {key}", bind


@functools.cache
def _pg_upsert(
    model: type[DeclarativeBase], keys: tuple[str, ...], columns: tuple[str, ...]
) -> tuple[str, Binder]:
    """`upsert`'s statement for psycopg (the same as `_upsert` compiles to)."""
    _table, sql, bind = _pg_values(model, columns)
    changed = ", ".join(f"{n} = excluded.{n}" for n in columns if n not in keys)
    return f"{sql} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {changed}", bind


def _pg_values(
    model: type[DeclarativeBase], columns: tuple[str, ...]
) -> tuple[Table, str, Binder]:
    """The model's table, `INSERT INTO t (given columns and Python-defaulted ones) VALUES (…)`
    with psycopg placeholders, and the binder of its parameters."""
    table = model.__table__
    assert isinstance(table, Table)
    names = [*columns, *(c.key for c in _defaulted(table, columns))]
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)})"  # noqa: S608 - names of the model
        f" VALUES ({', '.join(f'%({n})s' for n in names)})"
    )
    return table, sql, _binder(table, columns)


def _defaulted(table: Table, given: tuple[str, ...]) -> list[Column[Any]]:
    """Columns not given that SQLAlchemy would fill from a Python-side default."""
    return [
        c
        for c in table.columns
        if c.key not in given and c.default is not None and not c.primary_key
    ]


def _binder(table: Table, given: tuple[str, ...]) -> Binder:
    """Values as psycopg takes them: each column's bind processing (UTC check, JSON), and the
    Python-side defaults of the columns not given, as SQLAlchemy's INSERT would."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    processors: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        if isinstance(column.type, JSON):
            processors[column.key] = Json
        elif isinstance(column.type, TypeDecorator):
            processors[column.key] = functools.partial(
                column.type.process_bind_param, dialect=dialect
            )
    defaults = [(c.key, c.default) for c in _defaulted(table, given)]
    makers: list[tuple[str, Callable[[], Any]]] = []
    for key, default in defaults:
        assert isinstance(default, ColumnDefault)
        arg = default.arg
        # A callable default is wrapped by SQLAlchemy to take the execution context.
        make = functools.partial(arg, None) if default.is_callable else _constant(arg)
        makers.append((key, make))

    def bind(values: dict[str, Any]) -> dict[str, Any]:
        out = {k: _process(processors, k, v) for k, v in values.items()}
        for key, make in makers:
            out[key] = _process(processors, key, make())
        return out

    return bind


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


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _process(processors: dict[str, Callable[[Any], Any]], key: str, value: Any) -> Any:
    processor = processors.get(key)
    return processor(value) if processor is not None and value is not None else value
