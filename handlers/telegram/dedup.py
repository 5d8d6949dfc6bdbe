"""A repeated platform update (a webhook retry) is handled once: `processed_updates` remembers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.models import ProcessedUpdate, utcnow

KEEP = dt.timedelta(days=2)  # Telegram gives up redelivering an update long before this


def first_time(engine: Engine, channel: str, update_id: int | str) -> bool:
    """Record the update in its own short transaction; False if it was recorded before."""
    values = {"channel": channel, "update_id": str(update_id), "created_at": utcnow()}
    dialect = engine.dialect.name
    if dialect in ("postgresql", "sqlite"):
        module = postgresql if dialect == "postgresql" else sqlite
        statement = (
            module.insert(ProcessedUpdate)
            .values(values)
            .on_conflict_do_nothing()
            .returning(ProcessedUpdate.update_id)
        )
        with engine.begin() as connection:
            # rowcount is not reliable here (psycopg reports -1); RETURNING is.
            return connection.execute(statement).first() is not None
    try:
        with engine.begin() as connection:
            connection.execute(insert(ProcessedUpdate).values(values))
    except IntegrityError:
        return False
    return True


def prune(engine: Engine, keep: dt.timedelta = KEEP) -> int:
    """Forget updates older than `keep`; returns how many rows went."""
    with engine.begin() as connection:
        result = connection.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.created_at < utcnow() - keep)
        )
        return result.rowcount
