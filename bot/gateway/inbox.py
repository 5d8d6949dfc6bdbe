"""The durable inbox: commit an update before acknowledging it; claim with per-citizen order.

A webhook (or the long-polling loop) calls `store` and answers the platform only after it
returns, so an acknowledged update survives a crash. Workers `claim` rows with a lease: on
PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several processes never take the same row; on
SQLite (one process) the claiming UPDATE alone is enough. Only the oldest open row of each
citizen can be claimed, so one citizen's messages are handled one at a time, in arrival order,
across every process. A worker that dies leaves its rows to be claimed again when the lease
expires (seconds, not minutes).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Engine,
    Executable,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from bot.gateway import inbox_pg
from bot.messages import Reply
from bot.models import InboxItem, utcnow
from bot.outbox import dump_replies, load_replies
from bot.sqlutil import driver

PENDING, CLAIMED, REPLIED, DONE, FAILED = "pending", "claimed", "replied", "done", "failed"
OPEN = (PENDING, CLAIMED, REPLIED)  # not finished: blocks the citizen's later rows
LEASE = dt.timedelta(seconds=10)
KEEP = dt.timedelta(days=2)  # finished rows kept for redelivery dedup and inspection


@functools.lru_cache(maxsize=16)
def single(engine: Engine) -> Engine:
    """The same pool in autocommit: one statement, one round trip (no BEGIN, no COMMIT).

    Every inbox statement outside the core's transaction is a single atomic statement.
    """
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class LeaseLostError(Exception):
    """Another worker took the row over (our lease expired): roll back, do nothing."""


@dataclass(frozen=True)
class Claim:
    """One inbox row this worker holds a lease on."""

    id: int
    channel: str
    platform_id: str
    citizen: str
    payload: dict[str, Any]
    received_at: dt.datetime
    token: str
    attempts: int
    replies: list[Reply] | None  # stored by an earlier attempt: only sending is left


# The statements run for every message are built once (with bound parameters): building a
# statement costs more CPU than running it from SQLAlchemy's compiled cache.
@functools.cache
def _store_statement(dialect: str) -> Executable:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(InboxItem)
        .on_conflict_do_nothing(index_elements=["channel", "platform_id"])
        .returning(InboxItem.channel, InboxItem.platform_id)
    )


_SAVE_REPLIES = (
    update(InboxItem)
    .where(
        InboxItem.id == bindparam("row_id"),
        InboxItem.claim_token == bindparam("token"),
        InboxItem.state == CLAIMED,
    )
    .values(state=REPLIED, replies=bindparam("stored_replies"))
    .returning(InboxItem.id)
)
_FINISH = (
    update(InboxItem)
    .where(
        # Each row with the token of the claim that holds it: a row another worker took
        # over (a new token) is left alone, whatever other rows this batch finishes.
        tuple_(InboxItem.id, InboxItem.claim_token).in_(bindparam("held", expanding=True)),
        InboxItem.state.in_(OPEN),
    )
    .values(state=bindparam("new_state"), processed_at=bindparam("at"), lease_until=None)
)


Update = tuple[str, str, str, dict[str, Any]]  # channel, platform id, citizen, payload


def store(
    engine: Engine, channel: str, platform_id: str, citizen: str, payload: dict[str, Any]
) -> bool:
    """Commit one update; False when it was stored before (a redelivery, absorbed)."""
    return store_many(engine, [(channel, platform_id, citizen, payload)])[0]


def store_many(engine: Engine, updates: list[Update]) -> list[bool]:
    """Commit several updates in one statement (one round trip, one commit), in the order
    given (ids, hence each citizen's order, follow it); for each, whether it is new. An update
    already stored, or given twice here, is new only the first time."""
    now = utcnow()
    first: dict[tuple[str, str], int] = {}
    fresh: list[Update] = []
    rows = []
    for n, (channel, platform_id, citizen, payload) in enumerate(updates):
        if first.setdefault((channel, platform_id), n) != n:
            continue
        fresh.append((channel, platform_id, citizen, payload))
        rows.append(
            {
                "channel": channel,
                "platform_id": platform_id,
                "citizen": citizen,
                "payload": payload,
                "received_at": now,
                "state": PENDING,
                "attempts": 0,
            }
        )
    with single(engine).connect() as connection:
        raw = driver(connection)
        if raw is not None:
            inserted = inbox_pg.store(connection, raw, fresh, now)
        else:
            statement = _store_statement(engine.dialect.name)
            inserted = {tuple(row) for row in connection.execute(statement, rows)}
    return [
        first[(channel, platform_id)] == n and (channel, platform_id) in inserted
        for n, (channel, platform_id, _citizen, _payload) in enumerate(updates)
    ]


def claim(
    engine: Engine,
    worker: str,
    limit: int = 32,
    lease: dt.timedelta = LEASE,
    now: dt.datetime | None = None,
) -> list[Claim]:
    """Lease up to `limit` rows, each the oldest open row of its citizen; commit the lease."""
    now = now or utcnow()
    token = uuid.uuid4().hex
    rows: Sequence[Any]
    with single(engine).connect() as connection:
        raw = driver(connection)
        if raw is not None:
            values = {
                "worker": worker[:64],
                "token": token,
                "until": now + lease,
                "now": now,
                "limit": limit,
            }
            rows = inbox_pg.claim(connection, raw, values)
        else:
            statement = _claim_statement(worker, token, limit, lease, now)
            rows = connection.execute(statement).all()
    claims = [
        Claim(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            _aware(row[5]),
            token,
            row[6],
            load_replies(row[7]) if row[7] is not None else None,
        )
        for row in rows
    ]
    return sorted(claims, key=lambda c: c.id)


def _claim_statement(
    worker: str, token: str, limit: int, lease: dt.timedelta, now: dt.datetime
) -> Executable:
    """SQLAlchemy's claim (SQLite; `bot.gateway.inbox_pg.CLAIM` on PostgreSQL)."""
    older = aliased(InboxItem)
    waits_for_older = exists().where(
        older.channel == InboxItem.channel,
        older.citizen == InboxItem.citizen,
        older.state.in_(OPEN),
        older.id < InboxItem.id,
    )
    due = or_(InboxItem.state == PENDING, InboxItem.lease_until < now)
    candidates = (
        select(InboxItem.id)
        .where(InboxItem.state.in_(OPEN), due, ~waits_for_older)
        .order_by(InboxItem.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (
        update(InboxItem)
        .where(InboxItem.id.in_(candidates))
        .values(
            state=case((InboxItem.state == REPLIED, REPLIED), else_=CLAIMED),
            claimed_by=worker[:64],
            claim_token=token,
            lease_until=now + lease,
            attempts=InboxItem.attempts + 1,
        )
        .returning(
            InboxItem.id,
            InboxItem.channel,
            InboxItem.platform_id,
            InboxItem.citizen,
            InboxItem.payload,
            InboxItem.received_at,
            InboxItem.attempts,
            InboxItem.replies,
        )
    )


def save_replies(session: Session, held: Claim, replies: list[Reply]) -> None:
    """In the core's transaction: the replies to send, so a crash after it only resends them.

    Raises `LeaseLostError` (the caller rolls back the whole message) when the row is not ours.
    """
    # On the session's connection: no ORM bookkeeping (the row is not loaded).
    connection = session.connection()
    stored = dump_replies(replies)
    raw = driver(connection)
    if raw is not None:
        ours = inbox_pg.save_replies(connection, raw, held.id, held.token, stored)
    else:
        values = {"row_id": held.id, "token": held.token, "stored_replies": stored}
        ours = connection.execute(_SAVE_REPLIES, values).first() is not None
    if not ours:
        raise LeaseLostError(f"inbox row {held.id} was taken over")


def finish(engine: Engine, held: list[Claim], state: str = DONE) -> int:
    """Mark rows finished (done or failed) if still ours; returns how many were."""
    if not held:
        return 0
    pairs = [(c.id, c.token) for c in held]
    with single(engine).connect() as connection:
        raw = driver(connection)
        if raw is not None:
            return inbox_pg.finish(connection, raw, pairs, state, utcnow())
        values = {"held": pairs, "new_state": state, "at": utcnow()}
        return connection.execute(_FINISH, values).rowcount


def renew(engine: Engine, held: list[Claim], lease: dt.timedelta = LEASE) -> int:
    """Extend the lease of rows still being handled (a slow send must not lose them)."""
    if not held:
        return 0
    tokens = {c.token for c in held}
    with single(engine).connect() as connection:
        result = connection.execute(
            update(InboxItem)
            .where(
                InboxItem.id.in_([c.id for c in held]),
                InboxItem.claim_token.in_(tokens),
                InboxItem.state.in_(OPEN),
            )
            .values(lease_until=utcnow() + lease)
        )
        return result.rowcount


def finished(engine: Engine, channel: str, platform_id: str) -> bool:
    """Whether the row is done or failed (a channel whose sender waits on the request)."""
    with single(engine).connect() as connection:
        state = connection.execute(
            select(InboxItem.state).where(
                InboxItem.channel == channel, InboxItem.platform_id == platform_id
            )
        ).scalar_one_or_none()
    return state in (DONE, FAILED)


def backlog(engine: Engine, now: dt.datetime | None = None) -> dict[str, Any]:
    """Open rows and the age of the oldest one, for /healthz."""
    now = now or utcnow()
    with engine.connect() as connection:
        count, oldest = connection.execute(
            select(func.count(), func.min(InboxItem.received_at)).where(InboxItem.state.in_(OPEN))
        ).one()
    age = (now - _aware(oldest)).total_seconds() if oldest is not None else 0.0
    return {"backlog": int(count), "oldest_age_seconds": round(max(age, 0.0), 3)}


def prune(engine: Engine, keep: dt.timedelta = KEEP) -> int:
    """Forget finished rows older than `keep`; returns how many went."""
    with engine.begin() as connection:
        result = connection.execute(
            delete(InboxItem).where(
                InboxItem.state.in_((DONE, FAILED)), InboxItem.received_at < utcnow() - keep
            )
        )
        return result.rowcount


def _aware(value: Any) -> dt.datetime:
    """Core queries bypass the ORM type on some paths: make sure the value is aware UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
