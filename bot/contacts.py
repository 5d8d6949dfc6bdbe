"""Find or create the contact behind an inbound message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.followup import RecentTopic
from bot.messages import Inbound
from bot.models import Contact, DialogueState, utcnow
from bot.turn import Topic

LAST_SEEN_RESOLUTION = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Found:
    """The contact and, read by the same query, its dialogue state and recent topic."""

    contact: Contact
    state: DialogueState | None  # in the session (flows change it through the ORM)
    topic: Topic | None
    new: bool


# One round trip instead of three (the contact, `Session.get` of its state, of its topic).
# Built once: the same statement object keeps SQLAlchemy's compiled cache hot.
_FIND = (
    select(Contact, DialogueState, RecentTopic.intent, RecentTopic.answered_at)
    .outerjoin(DialogueState, DialogueState.contact_id == Contact.id)
    .outerjoin(RecentTopic, RecentTopic.contact_id == Contact.id)
    .where(Contact.channel == bindparam("channel"), Contact.external_id == bindparam("user"))
)


def upsert_contact(session: Session, inbound: Inbound) -> Contact:
    """The contact for (channel, user id), created on first contact; `last_seen_at` updated."""
    return find_contact(session, inbound).contact


def find_contact(session: Session, inbound: Inbound) -> Found:
    """Like `upsert_contact`, with the contact's dialogue state and recent topic."""
    row = session.execute(
        _FIND, {"channel": inbound.channel, "user": inbound.user_id}
    ).one_or_none()
    if row is None:
        language = "en" if (inbound.language_hint or "").startswith("en") else "vi"
        contact = Contact(
            channel=inbound.channel,
            external_id=inbound.user_id,
            display_name=inbound.display_name,
            language=language,
        )
        session.add(contact)
        session.flush()
        return Found(contact, None, None, True)
    contact, state = row[0], row[1]
    topic = Topic(row[2], row[3]) if row[2] is not None else None
    now = utcnow()
    if now - contact.last_seen_at > LAST_SEEN_RESOLUTION:  # not one UPDATE per message
        contact.last_seen_at = now
    if contact.blocked:
        contact.blocked = False  # writing to us again means they can be reached again
    if inbound.display_name and inbound.display_name != contact.display_name:
        contact.display_name = inbound.display_name
    return Found(contact, state, topic, False)
