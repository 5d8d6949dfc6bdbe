"""Housekeeping for `processed_updates` (the core records each update id it handles)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete

from bot.models import ProcessedUpdate, utcnow

KEEP = dt.timedelta(days=2)  # Telegram gives up redelivering an update long before this


def prune(engine: Engine, keep: dt.timedelta = KEEP) -> int:
    """Forget updates older than `keep`; returns how many rows went."""
    with engine.begin() as connection:
        result = connection.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.created_at < utcnow() - keep)
        )
        return result.rowcount
