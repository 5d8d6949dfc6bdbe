"""The inbox's hot statements written for psycopg (PostgreSQL), one fixed text each.

The same statements as `bot.gateway.inbox` builds with SQLAlchemy (which SQLite still uses),
run on the driver connection: each message passes through four of them, and SQLAlchemy's
cache lookup and result objects cost twice the driver's own work. Batches are passed as
arrays (`unnest`), so a batch of any size is one prepared statement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import Connection

from bot.sqlutil import run

OPEN = "('pending', 'claimed', 'replied')"

STORE = """
INSERT INTO inbox (channel, platform_id, citizen, payload, received_at, state, attempts)
SELECT u.channel, u.platform_id, u.citizen, u.payload, %(at)s, 'pending', 0
FROM unnest(%(channels)s::varchar[], %(platform_ids)s::varchar[], %(citizens)s::varchar[],
            %(payloads)s::json[]) WITH ORDINALITY AS u(channel, platform_id, citizen, payload, n)
ORDER BY u.n
ON CONFLICT (channel, platform_id) DO NOTHING
RETURNING channel, platform_id
"""

CLAIM = f"""
UPDATE inbox SET
    state = CASE WHEN inbox.state = 'replied' THEN 'replied' ELSE 'claimed' END,
    claimed_by = %(worker)s, claim_token = %(token)s, lease_until = %(until)s,
    attempts = inbox.attempts + 1
WHERE inbox.id IN (
    SELECT i.id FROM inbox AS i
    WHERE i.state IN {OPEN} AND (i.state = 'pending' OR i.lease_until < %(now)s)
      AND NOT EXISTS (
          SELECT 1 FROM inbox AS o
          WHERE o.channel = i.channel AND o.citizen = i.citizen AND o.state IN {OPEN}
            AND o.id < i.id)
    ORDER BY i.id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
RETURNING id, channel, platform_id, citizen, payload, received_at, attempts, replies
"""  # noqa: S608 - OPEN is a constant; every value is a bound parameter

SAVE_REPLIES = """
UPDATE inbox SET state = 'replied', replies = %(replies)s
WHERE id = %(id)s AND claim_token = %(token)s AND state = 'claimed'
RETURNING id
"""

FINISH = f"""
UPDATE inbox SET state = %(state)s, processed_at = %(at)s, lease_until = NULL
WHERE (id, claim_token) IN (SELECT * FROM unnest(%(ids)s::integer[], %(tokens)s::varchar[]))
  AND state IN {OPEN}
"""  # noqa: S608 - OPEN is a constant; every value is a bound parameter

Row = tuple[str, str, str, dict[str, Any]]  # channel, platform id, citizen, payload


def store(
    connection: Connection, raw: psycopg.Connection[Any], rows: list[Row], at: dt.datetime
) -> set[tuple[str, str]]:
    """Insert the rows (in this order); the (channel, platform id) of those that were new."""
    values = {
        "at": at,
        "channels": [r[0] for r in rows],
        "platform_ids": [r[1] for r in rows],
        "citizens": [r[2] for r in rows],
        "payloads": [Json(r[3]) for r in rows],
    }
    return {(c, p) for c, p in run(connection, raw, STORE, values).fetchall()}


def claim(
    connection: Connection, raw: psycopg.Connection[Any], values: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """The claimed rows (id, channel, platform id, citizen, payload, received at, attempts,
    replies)."""
    return run(connection, raw, CLAIM, values).fetchall()


def save_replies(
    connection: Connection,
    raw: psycopg.Connection[Any],
    row_id: int,
    token: str,
    replies: list[dict[str, Any]],
) -> bool:
    """Store the replies if the row is still ours (in the caller's transaction)."""
    values = {"id": row_id, "token": token, "replies": Json(replies)}
    return run(connection, raw, SAVE_REPLIES, values).fetchone() is not None


def finish(
    connection: Connection,
    raw: psycopg.Connection[Any],
    pairs: list[tuple[int, str]],
    state: str,
    at: dt.datetime,
) -> int:
    """Mark the (id, token) rows finished if still ours; how many were."""
    values = {
        "state": state,
        "at": at,
        "ids": [p[0] for p in pairs],
        "tokens": [p[1] for p in pairs],
    }
    return run(connection, raw, FINISH, values).rowcount
