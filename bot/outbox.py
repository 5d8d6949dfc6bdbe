"""The outbox: messages nobody is waiting for, written in the transaction that causes them.

A staff answer, a status change, a satisfaction prompt or a new-ticket card for the staff group
is added here with `enqueue` inside the same transaction as the change itself, so either both
are committed or neither is. `bot.dispatcher.Dispatcher` delivers the rows afterwards.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.messages import Button, Reply
from bot.models import Base, utcnow
from bot.sqlutil import insert_unless_exists

PENDING, SENT, FAILED, BLOCKED = "pending", "sent", "failed", "blocked"
HELD = "held"  # the platform refuses it for now (outside Zalo's window): kept, never dropped
CANCELLED = "cancelled"  # an announcement cancelled before this recipient's turn
# The priority lane: claimed first whatever is queued (ticket answers, status changes, cards).
# CARD: the in-place edits of an announcement's status card, after every urgent row and
# before the announcement's own rows (BULK), so a refresh never waits behind 2,000 of them.
URGENT, CARD, BULK = 0, 1, 2


class OutboxMessage(Base):
    """Replies waiting to be delivered to one recipient on one channel.

    A row is `pending` until a dispatcher has delivered it (`sent`), given up after its
    attempts (`failed`), or the platform said the recipient cannot be reached (`blocked`).
    `lease_until`/`claim_token` mark a row a dispatcher is sending right now; when the lease
    runs out (the dispatcher died) another dispatcher may take the row again.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_channel_recipient", "channel", "recipient"),
        Index("ix_outbox_chat_lane", "channel", "recipient", "status", "priority"),
        Index("ix_outbox_announcement_id_status", "announcement_id", "status"),
        # The claim's scan: pending rows only, in claiming order (migration 0013).
        Index(
            "ix_outbox_pending_lane",
            "priority",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(64))
    payload: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Replies of this row already delivered: a retry after a crash sends only the rest.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    # URGENT rows are claimed before BULK ones; an announcement's rows carry its id.
    priority: Mapped[int] = mapped_column(SmallInteger, default=URGENT, server_default="0")
    announcement_id: Mapped[int | None] = mapped_column(Integer)
    # The platform's id of the (last) message this row sent, when its sender reports one
    # (Telegram's message_id): what an in-place edit of that message needs.
    platform_message_id: Mapped[str | None] = mapped_column(String(64))


def dump_replies(replies: list[Reply]) -> list[dict[str, Any]]:
    """Replies as JSON-able dicts (the outbox payload)."""
    return [
        {
            "text": reply.text,
            "buttons": [[[b.label, b.payload] for b in row] for row in reply.buttons],
            "meta": dict(reply.meta),
        }
        for reply in replies
    ]


def load_replies(payload: list[dict[str, Any]]) -> list[Reply]:
    """The replies stored by `dump_replies`."""
    return [
        Reply(
            str(item["text"]),
            tuple(tuple(Button(str(b[0]), str(b[1])) for b in row) for row in item["buttons"]),
            {str(k): str(v) for k, v in item.get("meta", {}).items()},
        )
        for item in payload
    ]


def enqueue(
    session: Session,
    channel: str,
    recipient: str,
    replies: list[Reply],
    *,
    key: str | None = None,
    contact_id: int | None = None,
    not_before: dt.datetime | None = None,
    priority: int = URGENT,
) -> bool:
    """Add replies for `recipient` to the outbox in the caller's transaction (flushes only).

    `key` makes the message idempotent: a second enqueue with the same key is ignored and
    False is returned (e.g. one daily digest per day). Without one a random key is used; it
    travels to the sender in each reply's meta as `outbox_key` for platforms that can dedupe.
    """
    key = key or uuid.uuid4().hex
    tagged = [
        Reply(r.text, r.buttons, {**r.meta, "outbox_key": f"{key}:{n}"})
        for n, r in enumerate(replies)
    ]
    values = {
        "channel": channel,
        "recipient": recipient,
        "payload": dump_replies(tagged),
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": not_before or utcnow(),
        "idempotency_key": key,
        "contact_id": contact_id,
        "created_at": utcnow(),
        "priority": priority,
    }
    return insert_unless_exists(session, OutboxMessage, values, ["idempotency_key"])
