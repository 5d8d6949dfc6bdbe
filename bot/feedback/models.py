"""Feedback tables: staff, tickets, their audit trail, holidays and the yearly code counter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow

ROLES = ("admin", "staff")
STATUSES = ("new", "in_progress", "answered", "transferred", "rejected", "closed")
OPEN_STATUSES = ("new", "in_progress")
# Statuses in which the office has given the citizen a substantive response.
RESPONDED_STATUSES = ("answered", "transferred", "rejected")


class Staff(Base):
    """A staff member allowed to handle tickets, identified by channel and platform user id."""

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint("role in ('admin', 'staff')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10), default="staff")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Ticket(Base):
    """One piece of feedback (phản ánh – kiến nghị) and where it stands.

    `version` is the optimistic lock: every change is `UPDATE … WHERE version = :seen`. The
    phone number is personal data: never log it unmasked (see `phones.mask`).
    """

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint(
            "status in ('new', 'in_progress', 'answered', 'transferred', 'rejected', 'closed')",
            name="status",
        ),
        CheckConstraint("rating is null or rating between 1 and 5", name="rating"),
        Index("ix_tickets_status_due_date", "status", "due_date"),
        Index("ix_tickets_contact_id", "contact_id"),
        Index("ix_tickets_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    # sha256 of the code and the passcode given at filing (`bot.feedback.passcode`).
    passcode_hash: Mapped[str | None] = mapped_column(String(64))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    status: Mapped[str] = mapped_column(String(20), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    due_date: Mapped[dt.date] = mapped_column(Date)
    first_answered_at: Mapped[dt.datetime | None] = mapped_column()
    answer: Mapped[str | None] = mapped_column(Text)
    transferred_to: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rating_requested_at: Mapped[dt.datetime | None] = mapped_column()
    rated_at: Mapped[dt.datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TicketEvent(Base):
    """The audit trail: who did what to a ticket, when, from which status to which."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Holiday(Base):
    """A public holiday or office closure: not a working day for due dates."""

    __tablename__ = "holidays"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class MakeupDay(Base):
    """A weekend day the office works (a make-up Saturday): it counts towards due dates."""

    __tablename__ = "makeup_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class TicketCounter(Base):
    """The last ticket number handed out in a year (codes restart at 1 each year)."""

    __tablename__ = "ticket_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


__all__ = ["Holiday", "MakeupDay", "Staff", "Ticket", "TicketCounter", "TicketEvent"]
