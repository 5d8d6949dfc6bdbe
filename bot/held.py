"""Outbox rows a platform would not take yet (Zalo's interaction window): find and revive them.

A held row is never dropped. Staff and the citizen's tracking reply are told about it, and once
the citizen writes again (their contact's `last_seen_at` moves past the moment the row was
held) `revive` makes it pending, so the dispatcher delivers it inside the reopened window.
"""

from __future__ import annotations

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from bot.models import Contact, utcnow
from bot.outbox import HELD, PENDING, OutboxMessage
from bot.sqlutil import rowcount


def held_rows(session: Session, key_prefix: str) -> list[OutboxMessage]:
    """Held rows whose idempotency key starts with `key_prefix` (e.g. one ticket's)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == HELD, OutboxMessage.idempotency_key.startswith(key_prefix)
            )
            .order_by(OutboxMessage.id)
        )
    )


def ticket_held(session: Session, ticket_id: int) -> OutboxMessage | None:
    """The first held message about ticket `ticket_id` (keys `ticket:<id>:v<version>`)."""
    rows = held_rows(session, f"ticket:{ticket_id}:")
    return rows[0] if rows else None


def revive(session: Session, channel: str) -> int:
    """Held rows of `channel` whose citizen wrote after they were held become pending."""
    wrote_since = exists().where(
        Contact.id == OutboxMessage.contact_id,
        Contact.last_seen_at > OutboxMessage.next_attempt_at,
    )
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.status == HELD, wrote_since)
        .values(status=PENDING, next_attempt_at=utcnow(), attempts=0)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)
