"""Database tables (SQLAlchemy 2). Alembic migrations in migrations/ must match these."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot import clock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, timezone-aware in UTC, from the core's one clock (`bot.clock`)."""
    return clock.now()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores UTC; always gives back an aware datetime (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002
    ) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Contact(Base):
    """A person on one channel."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="vi")
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    subscribed: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MessageLog(Base):
    """Every question asked and what the matcher did with it."""

    __tablename__ = "message_log"
    __table_args__ = (Index("ix_message_log_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    band: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UnansweredQuestion(Base):
    """A question the bot declined; `forwarded` once the citizen agreed to send it to staff."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message_log.id"))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    forwarded: Mapped[bool] = mapped_column(Boolean, default=False)
    forwarded_at: Mapped[dt.datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AnswerRating(Base):
    """A 👍/👎 on an answer, with an optional comment on what was missing."""

    __tablename__ = "answer_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message_log.id"))
    intent: Mapped[str] = mapped_column(String(64))
    useful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DialogueState(Base):
    """Where a contact is in a guided flow; stored so it survives restarts and many workers."""

    __tablename__ = "dialogue_states"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column()


class ProcessedUpdate(Base):
    """Platform update ids already handled, so a webhook retry is processed once."""

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class InboxItem(Base):
    """A platform update committed before it is acknowledged; workers claim and handle it.

    `state`: pending → claimed (a worker holds the lease) → replied (the core's replies are
    stored, being sent) → done; or failed. One citizen's rows are handled one at a time, oldest
    first, in any process.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "platform_id"),
        Index("ix_inbox_state_id", "state", "id"),
        Index("ix_inbox_channel_citizen_id", "channel", "citizen", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    platform_id: Mapped[str] = mapped_column(String(64))
    citizen: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[dt.datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    replies: Mapped[list[Any] | None] = mapped_column(JSON)
    processed_at: Mapped[dt.datetime | None] = mapped_column()


__all__ = [
    "AnswerRating",
    "Base",
    "Contact",
    "DialogueState",
    "InboxItem",
    "MessageLog",
    "ProcessedUpdate",
    "UnansweredQuestion",
]
