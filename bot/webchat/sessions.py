"""Anonymous web sessions: open, resume with rotation, and refuse replays.

The cookie names a session and a generation (signed by the web adapter). Resuming compares
the generation with the stored one: the current one is fine (and rotated once it is older than
`rotate_every`); the one just before it is accepted for `grace` after a rotation (a second
request sent before the browser stored the new cookie); anything else is a replayed or stale
cookie and gets nothing back, so the caller starts a new session.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from bot.models import utcnow
from bot.webchat.models import WebMessage, WebSession

SESSION_ID_BYTES = 16  # 128 random bits, 22 url-safe characters


@dataclass(frozen=True)
class Current:
    """A live session and the generation its next cookie must carry."""

    id: str
    generation: int
    fresh: bool  # the cookie must be (re)issued: new session or rotated


def open_new(engine: Engine) -> Current:
    """A new anonymous session."""
    sid = "w" + secrets.token_urlsafe(SESSION_ID_BYTES)
    now = utcnow()
    with Session(engine) as session, session.begin():
        session.add(
            WebSession(id=sid, generation=1, rotated_at=now, created_at=now, last_seen_at=now)
        )
    return Current(sid, 1, True)


def resume(
    engine: Engine, sid: str, generation: int, rotate_every: dt.timedelta, grace: dt.timedelta
) -> Current | None:
    """The session named by a correctly signed cookie, or None (unknown, replayed, stale)."""
    now = utcnow()
    with Session(engine) as session, session.begin():
        row = session.get(WebSession, sid)
        if row is None:
            return None
        if generation == row.generation - 1 and now - row.rotated_at <= grace:
            row.last_seen_at = now
            return Current(sid, row.generation, True)
        if generation != row.generation:
            return None
        row.last_seen_at = now
        if now - row.rotated_at < rotate_every:
            return Current(sid, generation, False)
        session.execute(
            update(WebSession)
            .where(WebSession.id == sid, WebSession.generation == generation)
            .values(generation=generation + 1, rotated_at=now)
            .execution_options(synchronize_session=False)
        )
        # Touched no row: another request rotated it a moment ago, to the same generation.
        return Current(sid, generation + 1, True)


def forget_idle(engine: Engine, keep: dt.timedelta) -> int:
    """Delete sessions nobody used for `keep`, with their conversation; returns how many.

    Their tickets stay (with the staff, and trackable with the code and passcode)."""
    idle = select(WebSession.id).where(WebSession.last_seen_at < utcnow() - keep)
    with engine.begin() as connection:
        connection.execute(delete(WebMessage).where(WebMessage.session_id.in_(idle)))
        return connection.execute(delete(WebSession).where(WebSession.id.in_(idle))).rowcount
