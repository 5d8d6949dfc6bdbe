"""What the citizen is told once a ticket exists: the code, the due date and a tracking button."""

from __future__ import annotations

from bot.feedback.config import FeedbackConfig
from bot.feedback.models import Ticket
from bot.feedback.offers import TRACK
from bot.feedback.texts import say
from bot.feedback.tickets import format_date
from bot.menu import home_row
from bot.messages import Button, Reply
from bot.turn import Turn


def receipt(
    turn: Turn, ticket: Ticket, config: FeedbackConfig, key: str, secret: str | None = None
) -> list[Reply]:
    """The sentence `key` ("received", "question.forwarded") with the ticket's code and dates,
    and the passcode for tracking it from another device."""
    text = say(
        turn.kb,
        key,
        turn.lang,
        code=ticket.code,
        due=format_date(ticket.due_date),
        days=str(config.days_for(ticket.category)),
    )
    if secret:
        text += "\n" + say(turn.kb, "passcode", turn.lang, code=ticket.code, passcode=secret)
    track = (Button(say(turn.kb, "btn.track", turn.lang), f"{TRACK}:{ticket.code}"),)
    return [Reply(text, (track, home_row(turn.kb, turn.lang)), {"ticket": ticket.code})]
