"""After a declined question is forwarded to staff, offer to file it as feedback instead."""

from __future__ import annotations

from bot import questions
from bot.feedback.offers import INTAKE
from bot.feedback.texts import say
from bot.messages import Button, Reply
from bot.models import UnansweredQuestion
from bot.turn import Turn


def forward_and_offer(turn: Turn, arg: str) -> list[Reply]:
    """The core's forward (`fwd:<id>`), plus a button to file the question with a tracking code."""
    replies = questions.forward(turn, arg)
    question = turn.session.get(UnansweredQuestion, int(arg)) if arg.isdigit() else None
    if question is None or question.contact_id != turn.contact.id:
        return replies
    offer = Button(say(turn.kb, "btn.file_question", turn.lang), f"{INTAKE}:q:{question.id}")
    return [*replies, Reply(say(turn.kb, "file_question", turn.lang), ((offer,),))]
