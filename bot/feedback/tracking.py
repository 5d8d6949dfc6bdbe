"""Citizens follow their feedback by code: status, history and the office's answer.

Only the contact who filed a ticket sees it, or a chat that gives the code together with the
passcode handed out at filing (or the phone number left with it; `bot.feedback.passcode`).
Anyone else gets exactly the "not found" reply a nonexistent code gets, so codes cannot be used
to learn about other people's feedback.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.feedback import passcode
from bot.feedback.codes import find_code, without_codes
from bot.feedback.followups import PREFIX, add_info_button, ask
from bot.feedback.models import Ticket
from bot.feedback.offers import TRACK, start_button, track_button
from bot.feedback.texts import category_label, say, status_label
from bot.feedback.tickets import format_date, format_moment, history, reason_suffix
from bot.held import ticket_held
from bot.menu import home_row
from bot.messages import Button, Reply
from bot.turn import Turn

LIST_LIMIT = 5
STATUS_ACTIONS = frozenset({"filed", "claim", "answer", "transfer", "reject", "close"})


def own_ticket(turn: Turn, code: str) -> Ticket | None:
    """The ticket with `code` if this contact filed it."""
    return turn.session.scalars(
        select(Ticket).where(Ticket.code == code, Ticket.contact_id == turn.contact.id)
    ).one_or_none()


def proven_ticket(turn: Turn, code: str, text: str) -> Ticket | None:
    """The ticket with `code` for a chat that is not its filer's, if `text` proves it."""
    ticket = turn.session.scalars(select(Ticket).where(Ticket.code == code)).one_or_none()
    if ticket is None:
        return None
    rest = without_codes(text)
    return ticket if passcode.proves(code, ticket.passcode_hash, ticket.phone, rest) else None


def status_view(turn: Turn, ticket: Ticket) -> Reply:
    """What the citizen may see: status, dates, history of status changes, the answer."""
    kb, lang = turn.kb, turn.lang
    parts = [
        say(
            kb,
            "track.head",
            lang,
            code=ticket.code,
            category=category_label(ticket.category, lang),
            created=format_moment(ticket.created_at),
            status=status_label(ticket.status, lang),
            due=format_date(ticket.due_date),
        )
    ]
    events = [e for e in history(turn.session, ticket) if e.action in STATUS_ACTIONS]
    lines = [
        f"• {format_moment(e.created_at)} – {status_label(e.to_status, lang)}" for e in events
    ]
    parts.append("\n".join([say(kb, "track.history", lang), *lines]))
    if ticket.transferred_to and ticket.status in ("transferred", "closed"):
        reason = reason_suffix(kb, ticket, lang)
        parts.append(say(kb, "track.transferred", lang, unit=ticket.transferred_to, reason=reason))
    elif ticket.reason and ticket.status in ("rejected", "closed"):
        parts.append(say(kb, "track.rejected", lang, reason=ticket.reason))
    if ticket.answer:
        parts.append(say(kb, "track.answer", lang, answer=ticket.answer))
    if ticket.rating:
        parts.append(say(kb, "track.rating", lang, rating=str(ticket.rating)))
    waiting = ticket_held(turn.session, ticket.id)
    if waiting is not None:
        parts.append(say(kb, "track.held", lang, channel=waiting.channel.capitalize()))
    add = add_info_button(kb, ticket, lang)
    rows = ((add,), (track_button(kb, lang),)) if add else ((track_button(kb, lang),),)
    return Reply("\n\n".join(parts), rows, {"ticket": ticket.code})


def show(turn: Turn, code: str, text: str = "") -> list[Reply]:
    """The status view, or "not found" (also when someone else filed it and `text` holds
    neither its passcode nor its phone number)."""
    ticket = own_ticket(turn, code) or (proven_ticket(turn, code, text) if text else None)
    if ticket is None:
        return [Reply(say(turn.kb, "not_found", turn.lang, code=code))]
    return [status_view(turn, ticket)]


def my_tickets(turn: Turn) -> list[Reply]:
    """The contact's latest tickets as buttons."""
    tickets = turn.session.scalars(
        select(Ticket)
        .where(Ticket.contact_id == turn.contact.id)
        .order_by(Ticket.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    kb, lang = turn.kb, turn.lang
    if not tickets:
        return [Reply(say(kb, "no_tickets", lang), ((start_button(kb, lang),),))]
    rows = tuple(
        (Button(f"{t.code} · {status_label(t.status, lang)}", f"{TRACK}:{t.code}"),)
        for t in tickets
    )
    return [Reply(say(kb, "my_tickets", lang), (*rows, home_row(kb, lang)))]


def track_command(turn: Turn, arg: str) -> list[Reply]:
    """/tracuu CODE (without a code: the contact's own tickets)."""
    code = find_code(arg)
    if code is not None:
        return show(turn, code, arg)
    if arg.strip():
        return [Reply(say(turn.kb, "ask.code", turn.lang))]
    return my_tickets(turn)


def on_action(turn: Turn, arg: str) -> list[Reply]:
    """`tr:list`, `tr:<code>` or `tr:add:<code>` (add information to an open item)."""
    code = find_code(arg)
    if arg.startswith(PREFIX) and code:
        ticket = own_ticket(turn, code)
        if ticket is None:
            return [Reply(say(turn.kb, "not_found", turn.lang, code=code))]
        return ask(turn, ticket)
    return show(turn, code) if code else my_tickets(turn)


def track_in_text(turn: Turn) -> list[Reply] | None:
    """A typed message containing a code: its status (None when there is no code)."""
    code = find_code(turn.inbound.text)
    return show(turn, code, turn.inbound.text) if code else None
