"""Tables of the web chat: one row per browser session, one per message shown on the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow


class WebSession(Base):
    """An anonymous browser: its id is the citizen's id on the `webchat` channel.

    `generation` is the cookie's current signature round; a cookie of an older round is a
    replay (refused), except the one just before it within a short grace (parallel requests).
    """

    __tablename__ = "webchat_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    rotated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WebMessage(Base):
    """One message of a web conversation, kept for the next visit and for live updates.

    `role` is "citizen" or "bot"; `reply_to` is the inbox id of the citizen message a bot
    row answers (None for outbox messages: staff answers, status changes).
    """

    __tablename__ = "webchat_messages"
    __table_args__ = (Index("ix_webchat_messages_session_id", "session_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[Any]] = mapped_column(JSON)
    reply_to: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
