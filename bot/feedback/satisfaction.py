"""Satisfaction: after an answer or closing, the citizen rates 1–5 in chat and may comment."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from bot.callbacks import number, record_id
from bot.feedback.models import Ticket, TicketEvent
from bot.feedback.texts import say
from bot.messages import Button, Reply
from bot.models import DialogueState, utcnow
from bot.turn import Turn
from knowledge.schema import KnowledgeBase

ACTION = "sat"
FLOW = "feedback_rating"
COMMENT_TTL = dt.timedelta(minutes=15)
SCORES = range(1, 6)


def prompt(kb: KnowledgeBase, ticket: Ticket, lang: str) -> Reply:
    """The question with five buttons, 1 (very dissatisfied) to 5 (very satisfied)."""
    row = tuple(Button(f"{n} ⭐", f"{ACTION}:{ticket.id}:{n}") for n in SCORES)
    return Reply(say(kb, "rate.ask", lang, code=ticket.code), (row,))


def _own_ticket(turn: Turn, ticket_id: int | None) -> Ticket | None:
    ticket = turn.session.get(Ticket, ticket_id) if ticket_id is not None else None
    return ticket if ticket is not None and ticket.contact_id == turn.contact.id else None


def _event(turn: Turn, ticket: Ticket, action: str, note: str) -> None:
    turn.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor="citizen",
            action=action,
            from_status=ticket.status,
            to_status=ticket.status,
            note=note,
            created_at=utcnow(),
        )
    )


def rate(turn: Turn, arg: str) -> list[Reply]:
    """`sat:<ticket id>:<1-5>`: store the rating, then invite an optional comment."""
    ticket_id, _, score_text = arg.partition(":")
    score = number(score_text, SCORES.start, SCORES.stop - 1)
    ticket = _own_ticket(turn, record_id(ticket_id)) if score is not None else None
    if ticket is None or score is None:
        return [Reply(say(turn.kb, "rate.not_yours", turn.lang))]
    # Only the rating columns are written and the version is left alone: a rating never
    # conflicts with what staff are doing to the ticket.
    turn.session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id)
        .values(rating=score, rated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    _event(turn, ticket, "rated", str(score))
    current = turn.state()
    if current is not None and current.flow != FLOW:  # never overwrite a draft in progress
        return [Reply(say(turn.kb, "rate.thanks_only", turn.lang, rating=str(score)))]
    turn.set_state(FLOW, "comment", {"ticket_id": ticket.id}, COMMENT_TTL)
    return [Reply(say(turn.kb, "rate.thanks", turn.lang, rating=str(score)))]


class CommentFlow:
    """The message after a rating is kept as the rating comment."""

    name = FLOW

    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        """Store the typed comment; anything without text goes to the normal routing."""
        comment = turn.inbound.text.strip()
        if not comment:
            return None
        turn.clear_state()
        ticket = _own_ticket(turn, record_id(str(state.data.get("ticket_id", ""))))
        if ticket is None:
            return None
        turn.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id)
            .values(rating_comment=comment[:4000])
            .execution_options(synchronize_session=False)
        )
        _event(turn, ticket, "rating_comment", comment[:4000])
        return [Reply(say(turn.kb, "rate.comment", turn.lang))]
