"""Staff views of tickets: the card with its action buttons, the full view, the inbox list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.feedback import phones
from bot.feedback.draft import chunks, preview
from bot.feedback.duedates import is_overdue, overdue_clause
from bot.feedback.models import OPEN_STATUSES, Staff, Ticket
from bot.feedback.staff_texts import staff_text
from bot.feedback.texts import category_label, status_label
from bot.feedback.tickets import format_date, format_moment, history
from bot.feedback.transitions import allowed
from bot.held import ticket_held
from bot.messages import Button, Reply

ACTION = "pst"
CARD_PREVIEW = 1200
INBOX_LIMIT = 20
INBOX_BUTTONS = 8
FILTERS = ("open", "new", "overdue", "mine")
BUTTON_ROWS = (("claim", "answer"), ("transfer", "reject"), ("close",))


def staff_payload(verb: str, ticket: Ticket) -> str:
    """`pst:<verb>:<id>:<version>`: the version makes a stale button detectable."""
    return f"{ACTION}:{verb}:{ticket.id}:{ticket.version}"


def action_buttons(ticket: Ticket, lang: str) -> tuple[tuple[Button, ...], ...]:
    """Buttons for the actions the ticket's status allows."""
    rows = []
    for row in BUTTON_ROWS:
        buttons = tuple(
            Button(staff_text(f"btn.{verb}", lang), staff_payload(verb, ticket))
            for verb in row
            if allowed(verb, ticket.status) and not (verb == "claim" and ticket.assignee_id)
        )
        if buttons:
            rows.append(buttons)
    return tuple(rows)


def card_text(
    session: Session, ticket: Ticket, lang: str, description: str, *, full_phone: bool = True
) -> str:
    """The ticket's facts for staff. The short card (posted in the staff group, whose members
    the staff table does not control) masks the phone; `/xem` shows it in full to staff."""
    none = staff_text("card.none", lang)
    assignee = session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
    phone = None
    if ticket.phone:
        phone = phones.display(ticket.phone) if full_phone else phones.mask(ticket.phone)
    contact = ", ".join(p for p in (ticket.name, phone) if p)
    lines = [
        staff_text(
            "card",
            lang,
            category=category_label(ticket.category, lang),
            status=status_label(ticket.status, lang),
            assignee=staff_text("card.assignee", lang, name=assignee.name) if assignee else "",
            created=format_moment(ticket.created_at),
            due=format_date(ticket.due_date),
            overdue=staff_text("overdue", lang) if is_overdue(ticket) else "",
            description=description,
            place=ticket.place or none,
            contact=contact or staff_text("card.anonymous", lang),
            attachments=str(len(ticket.attachments)) if ticket.attachments else none,
        )
    ]
    if ticket.answer:
        lines.append(staff_text("card.answer", lang, answer=preview(ticket.answer)))
    if ticket.status == "transferred":
        lines.append(
            staff_text(
                "card.transferred",
                lang,
                unit=ticket.transferred_to or "",
                reason=ticket.reason or "",
            )
        )
    if ticket.status == "rejected":
        lines.append(staff_text("card.rejected", lang, reason=ticket.reason or ""))
    if ticket.rating:
        comment = f"– {ticket.rating_comment}" if ticket.rating_comment else ""
        lines.append(staff_text("card.rating", lang, rating=str(ticket.rating), comment=comment))
    waiting = ticket_held(session, ticket.id)
    if waiting is not None:
        lines.append(staff_text("card.held", lang, channel=waiting.channel.capitalize()))
    return "\n".join(lines)


def card(session: Session, ticket: Ticket, lang: str, *, new: bool = False) -> Reply:
    """The short card (for the staff group) with action buttons."""
    title = staff_text("card.new" if new else "card.title", lang, code=ticket.code)
    body = card_text(
        session, ticket, lang, preview(ticket.description, CARD_PREVIEW), full_phone=False
    )
    return Reply(f"{title}\n{body}", action_buttons(ticket, lang), {"ticket": ticket.code})


def full_view(session: Session, ticket: Ticket, lang: str) -> list[Reply]:
    """Everything about a ticket: full description (split to fit), history, action buttons."""
    title = staff_text("card.title", lang, code=ticket.code)
    lines = [staff_text("history", lang)]
    for event in history(session, ticket):
        actor = staff_text("actor.citizen", lang) if event.actor == "citizen" else event.actor
        note = f": {preview(event.note, 300)}" if event.note else ""
        lines.append(
            staff_text(
                "history.line",
                lang,
                when=format_moment(event.created_at),
                actor=actor,
                action=staff_text(f"action.{event.action}", lang),
                note=note,
            )
        )
    text = f"{title}\n{card_text(session, ticket, lang, ticket.description)}\n\n" + "\n".join(
        lines
    )
    parts = chunks(text)
    replies = [Reply(part) for part in parts[:-1]]
    replies.append(Reply(parts[-1], action_buttons(ticket, lang), {"ticket": ticket.code}))
    return replies


def inbox(session: Session, staff: Staff, kind: str, today: dt.date, lang: str) -> Reply:
    """Open tickets, soonest due first, filtered by `kind` (open, new, overdue, mine)."""
    query = select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))
    if kind == "new":
        query = query.where(Ticket.status == "new")
    elif kind == "overdue":
        query = query.where(overdue_clause(today))
    elif kind == "mine":
        query = query.where(Ticket.assignee_id == staff.id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    tickets = session.scalars(query.order_by(Ticket.due_date, Ticket.id).limit(INBOX_LIMIT)).all()
    label = staff_text(f"filter.{kind}", lang)
    lines = [staff_text("inbox.title", lang, filter=label, count=str(total))]
    lines += [
        staff_text(
            "inbox.line",
            lang,
            code=t.code,
            category=category_label(t.category, lang),
            status=status_label(t.status, lang),
            due=format_date(t.due_date),
            overdue=staff_text("overdue", lang) if is_overdue(t, today) else "",
        )
        for t in tickets
    ]
    if not tickets:
        lines.append(staff_text("inbox.empty", lang))
    if total > len(tickets):
        lines.append(staff_text("inbox.more", lang, count=str(total - len(tickets))))
    rows: list[tuple[Button, ...]] = [
        (Button(staff_text("btn.view", lang, code=t.code), f"{ACTION}:view:{t.id}:{t.version}"),)
        for t in tickets[:INBOX_BUTTONS]
    ]
    rows.append(
        tuple(Button(staff_text(f"filter.{f}", lang), f"{ACTION}:inbox:{f}") for f in FILTERS)
    )
    return Reply("\n".join(lines), tuple(rows))
