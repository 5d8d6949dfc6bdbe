"""The daily digest for the staff group: new, in progress and overdue tickets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.feedback.duedates import overdue_clause
from bot.feedback.filing import STAFF_CHANNEL, STAFF_LANG
from bot.feedback.models import OPEN_STATUSES, Staff, Ticket
from bot.feedback.staff_texts import staff_text
from bot.feedback.texts import category_label
from bot.feedback.tickets import format_date
from bot.feedback.workdays import OFFICE_TZ
from bot.messages import Reply
from bot.outbox import OutboxMessage, enqueue

MAX_LINES = 20


def digest_text(session: Session, today: dt.date, lang: str = STAFF_LANG) -> str:
    """Counts of new, in-progress and overdue tickets, then the overdue ones, oldest due first."""
    counts = dict(
        session.execute(
            select(Ticket.status, func.count())
            .where(Ticket.status.in_(OPEN_STATUSES))
            .group_by(Ticket.status)
        ).all()
    )
    overdue = session.scalars(
        select(Ticket).where(overdue_clause(today)).order_by(Ticket.due_date, Ticket.id)
    ).all()
    lines = [
        staff_text(
            "digest",
            lang,
            date=format_date(today),
            new=str(counts.get("new", 0)),
            in_progress=str(counts.get("in_progress", 0)),
            overdue=str(len(overdue)),
        )
    ]
    if overdue:
        lines.append(staff_text("digest.overdue", lang))
    for ticket in overdue[:MAX_LINES]:
        assignee = session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
        lines.append(
            staff_text(
                "digest.line",
                lang,
                code=ticket.code,
                category=category_label(ticket.category, lang),
                due=format_date(ticket.due_date),
                assignee=assignee.name if assignee else staff_text("digest.unassigned", lang),
            )
        )
    if len(overdue) > MAX_LINES:
        lines.append(staff_text("inbox.more", lang, count=str(len(overdue) - MAX_LINES)))
    return "\n".join(lines)


def enqueue_digest(session: Session, staff_chat_id: int, today: dt.date) -> bool:
    """Queue today's digest for the staff group; False if it was already queued today."""
    key = f"digest:{today.isoformat()}"
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return False  # checked first so the every-second job does not build the text
    text = digest_text(session, today)
    return enqueue(session, STAFF_CHANNEL, str(staff_chat_id), [Reply(text)], key=key)


class DailyDigest:
    """A dispatcher job: from `hour` (office time) on, queue the day's digest once.

    Its `period` is the office day, so with `bot.shared.jobs.once_per_period` one worker of
    many builds it; the outbox key still makes a second digest of one day impossible.
    """

    name = "digest"

    def __init__(self, staff_chat_id: int, hour: int) -> None:
        self.staff_chat_id, self.hour = staff_chat_id, hour

    def period(self, now: dt.datetime) -> str | None:
        """The office day when the digest is due (working days from `hour` on), else None."""
        local = now.astimezone(OFFICE_TZ)
        if local.hour < self.hour or local.weekday() >= 5:
            return None
        return local.date().isoformat()

    def __call__(self, session: Session, now: dt.datetime) -> object:
        if self.period(now) is None:
            return False
        return enqueue_digest(session, self.staff_chat_id, now.astimezone(OFFICE_TZ).date())
