"""Buttons shown as numbered choices, remembered per citizen, for channels without buttons.

A channel that shows buttons as "1. …, 2. …" (Zalo) stores the payloads it showed with
`remember` before sending; when the citizen answers with a digit, `recall` gives the payload
back. Stored in the database so any worker, and a restarted one, maps the digit the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Engine, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow

MAX_AGE = dt.timedelta(days=7)  # an answer to a menu shown longer ago is taken as plain text


class ShownChoices(Base):
    """The payloads of the numbered choices last shown to one citizen on one channel."""

    __tablename__ = "shown_choices"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payloads: Mapped[list[Any]] = mapped_column(JSON)
    shown_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def remember(engine: Engine, channel: str, user_id: str, payloads: list[str]) -> None:
    """Replace the citizen's numbered choices (an empty list: none are shown any more)."""
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    values = {"channel": channel, "user_id": user_id, "payloads": payloads, "shown_at": utcnow()}
    statement = insert(ShownChoices).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["channel", "user_id"],
        set_={"payloads": statement.excluded.payloads, "shown_at": statement.excluded.shown_at},
    )
    with engine.begin() as connection:
        connection.execute(statement)


def recall(engine: Engine, channel: str, user_id: str) -> list[str]:
    """The payloads last shown to the citizen, in their numbers' order ([] when none/stale)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(ShownChoices.payloads, ShownChoices.shown_at).where(
                ShownChoices.channel == channel, ShownChoices.user_id == user_id
            )
        ).first()
    if row is None:
        return []
    shown_at = row.shown_at
    if shown_at.tzinfo is None:
        shown_at = shown_at.replace(tzinfo=dt.UTC)
    if utcnow() - shown_at > MAX_AGE:
        return []
    return [str(p) for p in row.payloads]
