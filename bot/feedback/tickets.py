"""Changing a ticket: optimistic locking, the audit trail, and the citizen's notification.

Every change is `UPDATE tickets … WHERE id = :id AND version = :seen` in the caller's
transaction, together with its `ticket_events` row and the outbox message to the citizen, so
the change, its audit and its notification commit (or roll back) as one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.feedback import satisfaction
from bot.feedback.draft import chunks
from bot.feedback.duedates import is_overdue as is_overdue  # re-exported
from bot.feedback.models import OPEN_STATUSES, Staff, Ticket, TicketEvent
from bot.feedback.texts import say
from bot.feedback.transitions import ASKS_RATING, RESPONSES, allowed, target
from bot.feedback.transitions import NEEDS_TEXT as NEEDS_TEXT  # re-exported for staff.py
from bot.feedback.transitions import TRANSITIONS as TRANSITIONS
from bot.feedback.workdays import OFFICE_TZ
from bot.messages import Reply
from bot.models import Contact, utcnow
from bot.outbox import enqueue
from bot.sqlutil import rowcount
from knowledge.schema import KnowledgeBase


@dataclass(frozen=True)
class Actor:
    """Who made a change, for the audit trail."""

    name: str
    staff_id: int | None = None

    @classmethod
    def of(cls, staff: Staff) -> Actor:
        return cls(staff.name, staff.id)


CITIZEN = Actor("citizen")


def record(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    action: str,
    from_status: str | None,
    note: str | None = None,
) -> TicketEvent:
    """Append one audit event for `ticket` (at its current status)."""
    event = TicketEvent(
        ticket_id=ticket.id,
        actor=actor.name,
        staff_id=actor.staff_id,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        note=note,
        created_at=utcnow(),
    )
    session.add(event)
    session.flush()
    return event


def history(session: Session, ticket: Ticket) -> list[TicketEvent]:
    """The ticket's events, oldest first."""
    return list(
        session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        )
    )


def update_if_unchanged(
    session: Session, ticket: Ticket, seen_version: int, values: dict[str, Any]
) -> bool:
    """Apply `values` only if nobody changed the ticket since `seen_version` was read."""
    done = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.version == seen_version)
        .values(version=seen_version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(ticket)
    return rowcount(done) == 1


@dataclass(frozen=True)
class Outcome:
    """What became of a requested change: done, or why not."""

    ok: bool
    reason: str = ""  # "changed" (someone was faster), "status" (not allowed from here)


def act(
    session: Session,
    kb: KnowledgeBase,
    ticket: Ticket,
    seen_version: int,
    actor: Actor,
    action: str,
    content: str = "",
    unit: str = "",
) -> Outcome:
    """Claim, answer, transfer, reject or close `ticket`, audit it and notify the citizen."""
    if ticket.version != seen_version:
        return Outcome(False, "changed")
    if not allowed(action, ticket.status):
        return Outcome(False, "status")
    from_status, now = ticket.status, utcnow()
    values: dict[str, Any] = {"status": target(action)}
    if action == "claim" and actor.staff_id is not None:
        values["assignee_id"] = actor.staff_id
    if action == "answer":
        values["answer"] = content
    if action == "transfer":
        values["transferred_to"], values["reason"] = unit, content
    if action == "reject":
        values["reason"] = content
    if action in RESPONSES and ticket.first_answered_at is None:
        values["first_answered_at"] = now
    if action in RESPONSES and ticket.assignee_id is None and actor.staff_id is not None:
        values["assignee_id"] = actor.staff_id
    if action == "close":
        values["closed_at"] = now
    asks_rating = action in ASKS_RATING and ticket.rating_requested_at is None
    if asks_rating:
        values["rating_requested_at"] = now
    if not update_if_unchanged(session, ticket, seen_version, values):
        return Outcome(False, "changed")
    note = " | ".join(p for p in (unit, content) if p) or None
    record(session, ticket, actor, action, from_status, note)
    notify_citizen(session, kb, ticket, action, asks_rating)
    return Outcome(True)


def assign(
    session: Session, ticket: Ticket, seen_version: int, actor: Actor, staff: Staff
) -> Outcome:
    """Give an open `ticket` to `staff` (audited; the citizen is not told who handles it)."""
    if ticket.version != seen_version:
        return Outcome(False, "changed")
    if ticket.status not in OPEN_STATUSES or not staff.active:
        return Outcome(False, "status")
    from_status = ticket.status
    if not update_if_unchanged(session, ticket, seen_version, {"assignee_id": staff.id}):
        return Outcome(False, "changed")
    record(session, ticket, actor, "assign", from_status, staff.name)
    return Outcome(True)


def notify_citizen(
    session: Session, kb: KnowledgeBase, ticket: Ticket, action: str, asks_rating: bool
) -> None:
    """Queue the status message (and the rating prompt) to the citizen's own channel."""
    contact = session.get(Contact, ticket.contact_id)
    if contact is None:
        return
    lang = contact.language
    key = {
        "claim": "notify.in_progress",
        "answer": "notify.answered",
        "transfer": "notify.transferred",
        "reject": "notify.rejected",
        "close": "notify.closed",
    }[action]
    message = say(
        kb,
        key,
        lang,
        code=ticket.code,
        due=format_date(ticket.due_date),
        answer=ticket.answer or "",
        unit=ticket.transferred_to or "",
        reason=reason_suffix(kb, ticket, lang) if action == "transfer" else ticket.reason or "",
    )
    replies = [Reply(part) for part in chunks(message.strip())]
    if asks_rating:
        replies.append(satisfaction.prompt(kb, ticket, lang))
    enqueue(
        session,
        contact.channel,
        contact.external_id,
        replies,
        key=f"ticket:{ticket.id}:v{ticket.version}",
        contact_id=contact.id,
    )


def format_date(day: dt.date) -> str:
    """dd/mm/yyyy, as dates are written in Việt Nam."""
    return day.strftime("%d/%m/%Y")


def format_moment(moment: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM at the office's local time."""
    return moment.astimezone(OFFICE_TZ).strftime("%d/%m/%Y %H:%M")


def reason_suffix(kb: KnowledgeBase, ticket: Ticket, lang: str) -> str:
    """ " Lý do: …" after a transfer, or nothing when staff gave no reason."""
    return say(kb, "reason", lang, reason=ticket.reason) if ticket.reason else ""
