"""Find or create the contact behind an inbound message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, make_transient_to_detached

from bot.followup import RecentTopic
from bot.messages import Inbound
from bot.models import Contact, DialogueState, utcnow
from bot.sqlutil import driver, run
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


# The same query for psycopg (PostgreSQL): the ORM's loading of two entities cost about as
# much CPU as the rest of a message's statements together. The rows become the session's
# objects without a load (`_attach`), so flows change them through the ORM as before.
_CONTACT_COLUMNS = [c.key for c in Contact.__table__.columns]
_STATE_COLUMNS = [c.key for c in DialogueState.__table__.columns]
_SELECTED = ", ".join([*(f"c.{n}" for n in _CONTACT_COLUMNS), *(f"s.{n}" for n in _STATE_COLUMNS)])
_FIND_SQL = (
    f"SELECT {_SELECTED}, t.intent, t.answered_at FROM contacts AS c"  # noqa: S608 - model names
    " LEFT JOIN dialogue_states AS s ON s.contact_id = c.id"
    " LEFT JOIN recent_topics AS t ON t.contact_id = c.id"
    " WHERE c.channel = %(channel)s AND c.external_id = %(user)s"
)
_TIMES = {"created_at", "last_seen_at", "updated_at", "expires_at"}


def _utc(value: Any) -> Any:
    """What `UTCDateTime` gives back: an aware datetime in UTC."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value


def _attach(session: Session, model: type[Any], names: list[str], values: Any) -> Any:
    """An object of `model` for a row just read, persistent in `session` as if the ORM had
    loaded it (no history: only later changes are written back)."""
    item = model(**{n: _utc(v) if n in _TIMES else v for n, v in zip(names, values, strict=True)})
    make_transient_to_detached(item)
    session.add(item)
    return item


def _find_row(session: Session, inbound: Inbound) -> tuple[Any, Any, Topic | None] | None:
    """(contact, dialogue state or None, topic or None) read in one round trip."""
    connection = session.connection()
    raw = driver(connection)
    if raw is None:  # SQLite: through the ORM
        row = session.execute(
            _FIND, {"channel": inbound.channel, "user": inbound.user_id}
        ).one_or_none()
        if row is None:
            return None
        return row[0], row[1], Topic(row[2], row[3]) if row[2] is not None else None
    values = {"channel": inbound.channel, "user": inbound.user_id}
    found = run(connection, raw, _FIND_SQL, values).fetchone()
    if found is None:
        return None
    split, end = len(_CONTACT_COLUMNS), len(_CONTACT_COLUMNS) + len(_STATE_COLUMNS)
    contact = _attach(session, Contact, _CONTACT_COLUMNS, found[:split])
    state = None
    if found[split] is not None:
        state = _attach(session, DialogueState, _STATE_COLUMNS, found[split:end])
    topic = Topic(found[end], _utc(found[end + 1])) if found[end] is not None else None
    return contact, state, topic


def upsert_contact(session: Session, inbound: Inbound) -> Contact:
    """The contact for (channel, user id), created on first contact; `last_seen_at` updated."""
    return find_contact(session, inbound).contact


def find_contact(session: Session, inbound: Inbound) -> Found:
    """Like `upsert_contact`, with the contact's dialogue state and recent topic."""
    row = _find_row(session, inbound)
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
    contact, state, topic = row
    now = utcnow()
    if now - contact.last_seen_at > LAST_SEEN_RESOLUTION:  # not one UPDATE per message
        contact.last_seen_at = now
    if contact.blocked:
        contact.blocked = False  # writing to us again means they can be reached again
    if inbound.display_name and inbound.display_name != contact.display_name:
        contact.display_name = inbound.display_name
    return Found(contact, state, topic, False)
