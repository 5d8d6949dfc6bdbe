"""Who is subscribed, to which topics and which area; and who an announcement reaches.

A subscriber is a contact with `subscribed` on and not `blocked` (the outbox sets `blocked`
when the platform answers 403, so blocked contacts stop counting). Topics: none chosen means
every topic. Area: an announcement for some areas reaches only subscribers who chose one of
them; an announcement for everyone reaches every subscriber.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from bot.broadcast.models import Announcement, Subscription, SubscriptionEvent, SubscriptionTopic
from bot.models import Contact, utcnow

NO_BROADCAST = ("zalo",)  # Zalo offers no free broadcast (docs/zalo.md)


@dataclass(frozen=True)
class Choices:
    """A subscriber's topics (empty: all) and area (None: none chosen)."""

    topics: tuple[str, ...]
    area: str | None


def subscribe(session: Session, contact: Contact, source: str) -> bool:
    """Turn the subscription on; False when it already was."""
    if contact.subscribed:
        return False
    contact.subscribed = True
    session.add(SubscriptionEvent(contact_id=contact.id, action="subscribe", source=source))
    session.flush()
    return True


def unsubscribe(
    session: Session, contact: Contact, source: str, announcement_id: int | None = None
) -> bool:
    """Turn the subscription off (topics and area are kept for a later return)."""
    if not contact.subscribed:
        return False
    contact.subscribed = False
    session.add(
        SubscriptionEvent(
            contact_id=contact.id,
            action="unsubscribe",
            source=source,
            announcement_id=announcement_id,
        )
    )
    session.flush()
    return True


def choices(session: Session, contact_id: int) -> Choices:
    """The subscriber's current topics and area."""
    topics = session.scalars(
        select(SubscriptionTopic.topic)
        .where(SubscriptionTopic.contact_id == contact_id)
        .order_by(SubscriptionTopic.topic)
    )
    row = session.get(Subscription, contact_id)
    return Choices(tuple(topics), row.area if row else None)


def toggle_topic(session: Session, contact_id: int, topic: str) -> None:
    """Add the topic, or remove it when it was chosen."""
    found = session.get(SubscriptionTopic, (contact_id, topic))
    if found is None:
        session.add(SubscriptionTopic(contact_id=contact_id, topic=topic))
    else:
        session.delete(found)
    session.flush()


def all_topics(session: Session, contact_id: int) -> None:
    """Every topic again (no topic rows)."""
    session.execute(delete(SubscriptionTopic).where(SubscriptionTopic.contact_id == contact_id))


def set_area(session: Session, contact_id: int, area: str | None) -> None:
    """Choose the area (None: none)."""
    row = session.get(Subscription, contact_id)
    if row is None:
        row = Subscription(contact_id=contact_id)
        session.add(row)
    row.area, row.updated_at = area, utcnow()
    session.flush()


def _reached(topics: Sequence[str], areas: Sequence[str]) -> list[ColumnElement[bool]]:
    """The conditions on `Contact` for an audience of `topics` and `areas`."""
    conditions: list[ColumnElement[bool]] = [
        Contact.subscribed.is_(True),
        Contact.blocked.is_(False),
        Contact.channel.not_in(NO_BROADCAST),
    ]
    if topics:
        any_topic = select(SubscriptionTopic.topic).where(
            SubscriptionTopic.contact_id == Contact.id
        )
        wanted = any_topic.where(SubscriptionTopic.topic.in_(topics))
        conditions.append(~any_topic.exists() | wanted.exists())
    if areas:
        in_area = select(Subscription.contact_id).where(
            Subscription.contact_id == Contact.id, Subscription.area.in_(areas)
        )
        conditions.append(in_area.exists())
    return conditions


def audience_size(session: Session, topics: Sequence[str], areas: Sequence[str]) -> int:
    """How many subscribers an audience has right now."""
    query = select(func.count(Contact.id)).where(*_reached(topics, areas))
    return int(session.scalar(query) or 0)


def audience_batch(
    session: Session, announcement: Announcement, after_id: int, limit: int
) -> list[tuple[int, str, str, str]]:
    """The next `limit` recipients (id, channel, external id, language) after contact
    `after_id`, in id order: walked batch by batch, so memory does not grow with the audience."""
    query = (
        select(Contact.id, Contact.channel, Contact.external_id, Contact.language)
        .where(Contact.id > after_id, *_reached(announcement.topics, announcement.areas))
        .order_by(Contact.id)
        .limit(limit)
    )
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(query)]


def subscribers_count(session: Session) -> int:
    """Subscribers who can be reached."""
    return audience_size(session, (), ())
