"""Broadcast tables: subscriptions (topics, area), their history, announcements and their audit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow

DRAFT, SCHEDULED, RUNNING, DONE, CANCELLED = "draft", "scheduled", "running", "done", "cancelled"
STATUSES = (DRAFT, SCHEDULED, RUNNING, DONE, CANCELLED)
ANNOUNCEMENT, BULLETIN = "announcement", "bulletin"


class Subscription(Base):
    """A subscriber's area (thôn, tổ dân phố; None: none chosen). `Contact.subscribed` is the
    switch; topics are rows of `SubscriptionTopic` (none: every topic)."""

    __tablename__ = "subscriptions"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SubscriptionTopic(Base):
    """One topic group (a knowledge-base menu group) a subscriber asked for."""

    __tablename__ = "subscription_topics"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)


class SubscriptionEvent(Base):
    """A subscribe or unsubscribe, for the report (`announcement_id`: from that message)."""

    __tablename__ = "subscription_events"
    __table_args__ = (Index("ix_subscription_events_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(12))  # subscribe | unsubscribe
    source: Mapped[str] = mapped_column(String(12))  # command | text | button
    announcement_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Announcement(Base):
    """What staff send to subscribers, and how far its delivery has gone.

    `cursor` is the last contact id turned into an outbox row: rows and cursor are committed
    together, so a crash resumes after it and never skips or repeats a recipient.
    """

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_status_send_at", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default=ANNOUNCEMENT)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    image_url: Mapped[str | None] = mapped_column(String(500))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # none: every topic
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # none: every area
    send_at: Mapped[dt.datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    created_by: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    audience_size: Mapped[int | None] = mapped_column(Integer)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    enqueued: Mapped[int] = mapped_column(Integer, default=0)
    expanded: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()


class AnnouncementEvent(Base):
    """The audit trail: who created, edited, previewed, confirmed or cancelled what, when."""

    __tablename__ = "announcement_events"
    __table_args__ = (Index("ix_announcement_events_announcement_id", "announcement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE")
    )
    actor: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StatusCard(Base):
    """The live status card of an announcement sent with /thongbao: the outbox row that sent
    it (whose `platform_message_id` is the message to edit) and how far its refresh has gone.
    `final` once the last figures (done or cancelled) are queued: no edit after that."""

    __tablename__ = "announcement_cards"
    __table_args__ = (Index("ix_announcement_cards_final", "final"),)

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True
    )
    outbox_id: Mapped[int] = mapped_column(Integer)  # the row that sent the card
    text: Mapped[str] = mapped_column(Text)  # what the card shows now (no edit if unchanged)
    edits: Mapped[int] = mapped_column(Integer, default=0)
    last_edit_id: Mapped[int | None] = mapped_column(Integer)  # the latest edit's outbox row
    edited_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    final: Mapped[bool] = mapped_column(Boolean, default=False)


__all__ = [
    "Announcement",
    "AnnouncementEvent",
    "StatusCard",
    "Subscription",
    "SubscriptionEvent",
    "SubscriptionTopic",
]
