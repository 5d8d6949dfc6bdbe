"""Turn running announcements into outbox rows, one batch at a time (a dispatcher job).

Each pass, for each announcement that is due: the next `batch` recipients after `cursor` (in
contact id order) become BULK outbox rows keyed `ann:<announcement>:<contact>`, and the cursor
moves past them, in one transaction. A crash before the commit loses the batch and the cursor
move together (the next pass redoes it); after it, both are kept. The key makes a repeated
batch harmless. New rows are added only while fewer than `window` of the announcement's rows
are pending, so the outbox stays short and memory stays flat in the audience size.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.broadcast import subscribers
from bot.broadcast.announcements import render
from bot.broadcast.models import DONE, RUNNING, SCHEDULED, Announcement
from bot.broadcast.progress import progress, summary_vi
from bot.feedback.models import Staff
from bot.messages import Reply
from bot.outbox import BULK, PENDING, OutboxMessage, dump_replies, enqueue
from bot.sqlutil import rowcount

BATCH = 500
WINDOW = 2000
CHUNK = 1000  # rows per INSERT: 12 parameters each, under both databases' limits


class Expander:
    """The job: start scheduled announcements that are due, expand running ones, finish them."""

    def __init__(
        self, commune: str | None = None, batch: int = BATCH, window: int = WINDOW
    ) -> None:
        self.commune, self.batch, self.window = commune, batch, window

    def __call__(self, session: Session, now: dt.datetime) -> int:
        """One pass; returns how many rows it added."""
        due = (
            select(Announcement)
            .where(
                (Announcement.status == RUNNING)
                | ((Announcement.status == SCHEDULED) & (Announcement.send_at <= now))
            )
            .order_by(Announcement.id)
            .with_for_update(skip_locked=True)  # one worker expands one announcement at a time
        )
        added = 0
        for item in session.scalars(due).all():
            if item.status == SCHEDULED:
                item.status, item.started_at, item.version = RUNNING, now, item.version + 1
            if item.audience_size is None:
                item.audience_size = subscribers.audience_size(session, item.topics, item.areas)
            added += self._expand(session, item, now)
        return added

    def _expand(self, session: Session, item: Announcement, now: dt.datetime) -> int:
        pending = _pending(session, item.id)
        if item.expanded:
            if pending == 0:
                item.status, item.finished_at = DONE, now
                self._summary(session, item, now)
            return 0
        if pending >= self.window:
            return 0
        found = subscribers.audience_batch(session, item, item.cursor, self.batch)
        last = found[-1][0] if found else item.cursor
        moved = session.execute(
            update(Announcement)
            .where(Announcement.id == item.id, Announcement.cursor == item.cursor)
            .values(cursor=last, expanded=len(found) < self.batch)
        )
        if rowcount(moved) != 1:  # another process expanded this batch first
            return 0
        inserted = _insert(session, self._rows(item, found, now)) if found else 0
        if item.enqueued == 0 and inserted and session.get_bind().dialect.name == "postgresql":
            # The outbox just grew by a batch the planner has never seen: without fresh
            # statistics PostgreSQL plans the claim's NOT EXISTS as a nested loop over every
            # pending row (seconds at 10 000 rows) until autovacuum's next analyze.
            session.execute(text("ANALYZE outbox"))
        session.execute(
            update(Announcement)
            .where(Announcement.id == item.id)
            .values(enqueued=Announcement.enqueued + inserted)
        )
        session.refresh(item)
        return inserted

    def _summary(self, session: Session, item: Announcement, now: dt.datetime) -> None:
        """The final figures to the staff member who sent it (priority lane, once)."""
        staff = session.get(Staff, item.staff_id) if item.staff_id else None
        if staff is None:
            return
        session.flush()
        text = summary_vi(item, progress(session, item, now))
        enqueue(
            session, staff.channel, staff.external_id, [Reply(text)], key=f"ann-done:{item.id}"
        )

    def _rows(
        self, item: Announcement, found: list[tuple[int, str, str, str]], now: dt.datetime
    ) -> list[dict[str, Any]]:
        replies = {lang: render(item, lang, self.commune) for lang in {f[3] for f in found}}
        rows = []
        for contact_id, channel, external_id, lang in found:
            key = f"ann:{item.id}:{contact_id}"
            reply = replies[lang]
            tagged = type(reply)(
                reply.text, reply.buttons, {**reply.meta, "outbox_key": f"{key}:0"}
            )
            rows.append(
                {
                    "channel": channel,
                    "recipient": external_id,
                    "payload": dump_replies([tagged]),
                    "status": PENDING,
                    "attempts": 0,
                    "parts_sent": 0,
                    "next_attempt_at": now,
                    "idempotency_key": key,
                    "contact_id": contact_id,
                    "created_at": now,
                    "priority": BULK,
                    "announcement_id": item.id,
                }
            )
        return rows


def _pending(session: Session, announcement_id: int) -> int:
    query = select(func.count(OutboxMessage.id)).where(
        OutboxMessage.announcement_id == announcement_id, OutboxMessage.status == PENDING
    )
    return int(session.scalar(query) or 0)


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING for many rows; how many went in.

    One cached statement executed for all the rows (SQLAlchemy batches them into multi-row
    INSERTs itself): compiling a VALUES list of 500 rows × 12 parameters on every batch was
    the dispatcher's biggest CPU cost at 1,000 msg/s."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = OutboxMessage.__table__
    assert isinstance(table, Table)
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )
    inserted = 0
    for start in range(0, len(rows), CHUNK):
        inserted += len(session.execute(statement, rows[start : start + CHUNK]).all())
    return inserted
