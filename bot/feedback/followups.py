"""Citizens add information to an open item ("bổ sung thông tin"), from /tracuu.

The text is one `ticket_events` row (action `citizen_info`, by the citizen), shown with the
item's history to staff on the desk and in /xem; files sent with it join the item's
attachments. The status does not change: the office's clock keeps running.
"""

from __future__ import annotations

import datetime as dt

from bot.feedback.models import Ticket
from bot.feedback.offers import TRACK
from bot.feedback.texts import say
from bot.feedback.tickets import CITIZEN, record
from bot.feedback.words import CANCEL, is_one_of
from bot.messages import Button, Reply
from bot.models import DialogueState
from bot.turn import Turn
from knowledge.schema import KnowledgeBase

FLOW = "ticket_info"
ACTION = "citizen_info"
PREFIX = "add:"  # tr:add:<code>
OPEN = frozenset({"new", "in_progress", "answered"})
TTL = dt.timedelta(minutes=30)
MAX_TEXT = 4000
MAX_ATTACHMENTS = 10


def add_info_button(kb: KnowledgeBase, ticket: Ticket, lang: str) -> Button | None:
    """The "bổ sung thông tin" button, for an item still being handled."""
    if ticket.status not in OPEN:
        return None
    return Button(say(kb, "btn.add_info", lang), f"{TRACK}:{PREFIX}{ticket.code}")


def ask(turn: Turn, ticket: Ticket) -> list[Reply]:
    """Wait for the citizen's next message as the addition."""
    if ticket.status not in OPEN:
        return [Reply(say(turn.kb, "add_info.closed", turn.lang, code=ticket.code))]
    turn.set_state(FLOW, "text", {"ticket_id": ticket.id}, TTL)
    return [Reply(say(turn.kb, "add_info.ask", turn.lang, code=ticket.code))]


class AddInfo:
    """The flow that takes the next message as information added to the item."""

    name = FLOW

    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        """Record the message on the item (only the contact who filed it)."""
        ticket = turn.session.get(Ticket, int(state.data.get("ticket_id", 0)))
        turn.clear_state()
        if ticket is None or ticket.contact_id != turn.contact.id:
            return None
        content = turn.inbound.text.strip()
        if is_one_of(content, CANCEL):
            return [Reply(say(turn.kb, "add_info.cancelled", turn.lang))]
        if ticket.status not in OPEN:
            return [Reply(say(turn.kb, "add_info.closed", turn.lang, code=ticket.code))]
        files = [
            {"kind": a.kind, "ref": a.ref, "name": a.name or ""} for a in turn.inbound.attachments
        ]
        if files:
            room = max(MAX_ATTACHMENTS - len(ticket.attachments), 0)
            ticket.attachments = [*ticket.attachments, *files[:room]]
        if not content and not files:
            return [Reply(say(turn.kb, "add_info.ask", turn.lang, code=ticket.code))]
        note = content[:MAX_TEXT] or f"({len(files)} tệp đính kèm)"
        record(turn.session, ticket, CITIZEN, ACTION, ticket.status, note)
        return [Reply(say(turn.kb, "add_info.done", turn.lang, code=ticket.code))]
