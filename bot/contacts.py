"""Find or create the contact behind an inbound message."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.messages import Inbound
from bot.models import Contact, utcnow

LAST_SEEN_RESOLUTION = dt.timedelta(minutes=5)


def upsert_contact(session: Session, inbound: Inbound) -> Contact:
    """The contact for (channel, user id), created on first contact; `last_seen_at` updated."""
    contact = session.scalars(
        select(Contact).where(
            Contact.channel == inbound.channel, Contact.external_id == inbound.user_id
        )
    ).one_or_none()
    if contact is None:
        language = "en" if (inbound.language_hint or "").startswith("en") else "vi"
        contact = Contact(
            channel=inbound.channel,
            external_id=inbound.user_id,
            display_name=inbound.display_name,
            language=language,
        )
        session.add(contact)
        session.flush()
        return contact
    now = utcnow()
    if now - contact.last_seen_at > LAST_SEEN_RESOLUTION:  # not one UPDATE per message
        contact.last_seen_at = now
    if contact.blocked:
        contact.blocked = False  # writing to us again means they can be reached again
    if inbound.display_name and inbound.display_name != contact.display_name:
        contact.display_name = inbound.display_name
    return contact
