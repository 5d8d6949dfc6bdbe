"""Browser sessions of the desk: server-side rows, so they expire, rotate and can be revoked.

The cookie carries a random token (signed by the web layer); the table keeps only its SHA-256.
A new token is made at every login (no session fixation); logging out deletes the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.desk.models import DeskSession
from bot.feedback.models import Staff
from bot.models import utcnow

IDLE = dt.timedelta(hours=2)
LIFETIME = dt.timedelta(hours=10)  # one working day: log in again the next morning
TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Opened:
    """A new session: the token for the cookie and its row."""

    token: str
    row: DeskSession


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, staff: Staff, previous: str | None = None) -> Opened:
    """A fresh session for `staff`; the token presented before logging in is revoked."""
    if previous:
        close_session(session, previous)
    now = utcnow()
    token = secrets.token_urlsafe(32)
    row = DeskSession(
        id=_digest(token),
        staff_id=staff.id,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(row)
    session.flush()
    return Opened(token, row)


def find_session(session: Session, token: str) -> tuple[DeskSession, Staff] | None:
    """The live session for `token` and its active staff member; expired ones are deleted."""
    row = session.get(DeskSession, _digest(token))
    if row is None:
        return None
    now = utcnow()
    staff = session.get(Staff, row.staff_id)
    if now >= row.expires_at or now - row.last_seen_at >= IDLE or not staff or not staff.active:
        session.delete(row)
        session.flush()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row, staff


def close_session(session: Session, token: str) -> None:
    """Log out: the token no longer opens anything."""
    session.execute(delete(DeskSession).where(DeskSession.id == _digest(token)))


def close_all(session: Session, staff: Staff) -> None:
    """End every session of `staff` (password changed, removed)."""
    session.execute(delete(DeskSession).where(DeskSession.staff_id == staff.id))


def prune(session: Session) -> int:
    """Delete sessions past their lifetime."""
    done = session.execute(delete(DeskSession).where(DeskSession.expires_at <= utcnow()))
    return int(getattr(done, "rowcount", 0) or 0)
