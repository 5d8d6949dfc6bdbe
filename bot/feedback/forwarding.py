"""A declined question forwarded to staff becomes a ticket of its own category, so it reaches
the staff group, is answered through the outbox and can be tracked like any feedback."""

from __future__ import annotations

from bot.callbacks import record_id
from bot.feedback import passcode
from bot.feedback.config import QUESTION, FeedbackConfig
from bot.feedback.draft import Draft
from bot.feedback.filing import open_ticket
from bot.feedback.receipt import receipt
from bot.feedback.texts import say
from bot.messages import Reply
from bot.models import UnansweredQuestion, utcnow
from bot.render import say as core_say
from bot.turn import Turn


class Forwarding:
    """The `fwd:<unanswered question id>` button."""

    def __init__(self, config: FeedbackConfig, staff_chat_id: int | None) -> None:
        self.config = config
        self.staff_chat_id = staff_chat_id

    def __call__(self, turn: Turn, arg: str) -> list[Reply]:
        question_id = record_id(arg)
        question = turn.session.get(UnansweredQuestion, question_id) if question_id else None
        if question is None or question.contact_id != turn.contact.id:
            return [Reply(core_say(turn.kb, "forward.nothing", turn.lang))]
        if question.forwarded:  # pressed twice: one ticket is enough
            return [Reply(say(turn.kb, "question.already", turn.lang))]
        question.forwarded, question.forwarded_at = True, utcnow()
        draft = Draft(
            category=QUESTION,
            description=question.text,
            description_done=True,
            place="",
            consent=False,
            question_id=question.id,
        )
        secret = passcode.new()
        ticket = open_ticket(
            turn.session, turn.contact, draft, turn.lang, self.config, self.staff_chat_id, secret
        )
        return receipt(turn, ticket, self.config, "question.forwarded", secret)
