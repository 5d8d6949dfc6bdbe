"""Desk tables: a web login for a staff member, browser sessions, the audit log, gap marks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow


class StaffLogin(Base):
    """A web login for one staff member (the same `staff` row the Telegram commands use)."""

    __tablename__ = "staff_logins"
    __table_args__ = (UniqueConstraint("login"),)

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    login: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DeskSession(Base):
    """A logged-in browser. `id` is the SHA-256 of the cookie's token, never the token."""

    __tablename__ = "desk_sessions"
    __table_args__ = (Index("ix_desk_sessions_staff_id", "staff_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()


class DeskAudit(Base):
    """Who did what on the desk, when (logins and failed logins too)."""

    __tablename__ = "desk_audit"
    __table_args__ = (
        Index("ix_desk_audit_created_at", "created_at"),
        Index("ix_desk_audit_action_target", "action", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class GapMark(Base):
    """Staff's decision on a group of unanswered questions, keyed by its folded head question.

    "ignored" hides the group and every similar question that comes later; "handled" hides
    what was asked up to `marked_at` (a question asked again afterwards shows the group again).
    """

    __tablename__ = "gap_marks"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    marked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = ["DeskAudit", "DeskSession", "GapMark", "StaffLogin"]
