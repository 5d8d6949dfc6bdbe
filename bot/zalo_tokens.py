"""Zalo's OAuth token pair, kept in the database so every worker and a restart use the current
one, and rotated so the single-use refresh token is spent exactly once.

Zalo's refresh token is single-use: refreshing returns a new pair and the old refresh token
stops working. Two workers that both spent it would leave one of them with a dead pair, so
spending is guarded by a compare-and-set on `version` with a short lease (`refreshing_until`):
only the worker whose UPDATE took the lease calls Zalo; the others wait for the new version.
The same statements work on PostgreSQL and SQLite, and no lock is held during the HTTP call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.models import Base, utcnow
from bot.sqlutil import insert_unless_exists

REFRESH_LEASE = dt.timedelta(seconds=30)


class ZaloToken(Base):
    """The current access/refresh pair of one Zalo app (one row per ZALO_APP_ID)."""

    __tablename__ = "zalo_tokens"

    app_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[dt.datetime] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    # sha256 of the ZALO_REFRESH_TOKEN the row was seeded from: a new one in the environment
    # means the operator authorised the OA again, and that pair replaces ours.
    seed_hash: Mapped[str] = mapped_column(String(64))
    refreshing_until: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class TokenPair:
    """What a sender needs: the access token, when it expires, and the row's version."""

    access: str
    refresh: str
    expires_at: dt.datetime
    version: int
    last_error: str | None = None


def digest(secret: str) -> str:
    """The hash by which a seed is recognised (the secret itself is not compared in logs)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _pair(row: ZaloToken) -> TokenPair:
    return TokenPair(
        row.access_token, row.refresh_token, row.expires_at, row.version, row.last_error
    )


def seed(engine: Engine, app_id: str, access: str, refresh: str, ttl: dt.timedelta) -> TokenPair:
    """Store the environment's first pair unless the database already has it (or later)."""
    now, seed_hash = utcnow(), digest(refresh)
    with Session(engine) as session, session.begin():
        values = {
            "app_id": app_id,
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": now + ttl,
            "version": 1,
            "seed_hash": seed_hash,
            "updated_at": now,
        }
        insert_unless_exists(session, ZaloToken, values, ["app_id"])
        row = session.get(ZaloToken, app_id, with_for_update=True)
        assert row is not None
        if row.seed_hash != seed_hash:  # a new authorisation: it replaces the rotated pair
            row.access_token, row.refresh_token = access, refresh
            row.expires_at, row.seed_hash = now + ttl, seed_hash
            row.version += 1
            row.last_error = row.failed_at = row.refreshing_until = None
            row.updated_at = now
        return _pair(row)


def current(engine: Engine, app_id: str) -> TokenPair | None:
    """The pair in the database now."""
    with Session(engine) as session:
        row = session.get(ZaloToken, app_id)
        return _pair(row) if row is not None else None


def claim_refresh(
    engine: Engine, app_id: str, version: int, lease: dt.timedelta = REFRESH_LEASE
) -> str | None:
    """The refresh token to spend if this caller won the right to (still `version`, nobody
    refreshing); None when another worker refreshed or is refreshing."""
    now = utcnow()
    with engine.begin() as connection:
        won = connection.execute(
            update(ZaloToken)
            .where(
                ZaloToken.app_id == app_id,
                ZaloToken.version == version,
                or_(ZaloToken.refreshing_until.is_(None), ZaloToken.refreshing_until < now),
            )
            .values(refreshing_until=now + lease)
            .returning(ZaloToken.refresh_token)
        ).first()
    return str(won[0]) if won is not None else None


def store_refreshed(
    engine: Engine, app_id: str, version: int, access: str, refresh: str, expires_at: dt.datetime
) -> bool:
    """Save the new pair as `version + 1`; False when the row moved on meanwhile."""
    with engine.begin() as connection:
        result = connection.execute(
            update(ZaloToken)
            .where(ZaloToken.app_id == app_id, ZaloToken.version == version)
            .values(
                access_token=access,
                refresh_token=refresh,
                expires_at=expires_at,
                version=version + 1,
                refreshing_until=None,
                last_error=None,
                failed_at=None,
                updated_at=utcnow(),
            )
        )
        return result.rowcount == 1


def record_failure(engine: Engine, app_id: str, version: int, error: str) -> None:
    """A refresh failed: free the lease (another try may follow) and keep why, for /healthz."""
    with engine.begin() as connection:
        connection.execute(
            update(ZaloToken)
            .where(ZaloToken.app_id == app_id, ZaloToken.version == version)
            .values(refreshing_until=None, last_error=error[:500], failed_at=utcnow())
        )


def ids(engine: Engine) -> list[str]:
    """The app ids with a stored pair."""
    with engine.connect() as connection:
        return [str(v) for v in connection.execute(select(ZaloToken.app_id)).scalars()]
