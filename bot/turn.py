"""One inbound message being handled: its session, contact and language."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from sqlalchemy.orm import Session

from bot.messages import Inbound, Reply
from bot.models import Contact, DialogueState, utcnow
from knowledge.schema import KnowledgeBase


class Topic(NamedTuple):
    """The contact's recent topic (`bot.followup`): which entry, shown when."""

    intent: str
    answered_at: dt.datetime


@dataclass
class Turn:
    """Everything a handler needs; helpers may flush but never commit (the core does).

    The core reads the dialogue state and the recent topic with the contact, in one query
    (`bot.contacts.find_contact`) and says so here, so neither needs a SELECT of its own; a
    Turn made without them looks them up on first use.
    """

    session: Session
    contact: Contact
    inbound: Inbound
    kb: KnowledgeBase
    lang: str
    no_state: bool = False  # known to have no dialogue state (none read, or dropped)
    topic: Topic | None = None
    topic_known: bool = False  # `topic` is what the database holds (maybe None)

    def state(self) -> DialogueState | None:
        """The contact's live dialogue state (expired states are dropped)."""
        if self.no_state:
            return None
        state = self.session.get(DialogueState, self.contact.id)
        if state is not None and state.expires_at is not None and state.expires_at < utcnow():
            self.session.delete(state)
            self.session.flush()
            state = None
        self.no_state = state is None
        return state

    def set_state(
        self, flow: str, step: str, data: dict[str, Any], ttl: dt.timedelta | None
    ) -> DialogueState:
        """Start or move a guided flow; the row is committed with the rest of the turn."""
        state = None if self.no_state else self.session.get(DialogueState, self.contact.id)
        expires = utcnow() + ttl if ttl else None
        if state is None:
            state = DialogueState(contact_id=self.contact.id, flow=flow, step=step, data=data)
            self.session.add(state)
        state.flow, state.step, state.data = flow, step, copy.deepcopy(data)
        state.updated_at, state.expires_at = utcnow(), expires
        self.session.flush()
        self.no_state = False
        return state

    def clear_state(self) -> None:
        """Leave any guided flow."""
        if self.no_state:
            return
        state = self.session.get(DialogueState, self.contact.id)
        if state is not None:
            self.session.delete(state)
            self.session.flush()
        self.no_state = True


class Handler(Protocol):
    """A command or button handler: (turn, argument) -> replies."""

    def __call__(self, turn: Turn, arg: str, /) -> list[Reply]: ...


class Flow(Protocol):
    """A guided dialogue whose state lives in `dialogue_states`."""

    name: str

    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        """Handle a message inside the flow; None lets the normal routing take it."""
        ...
