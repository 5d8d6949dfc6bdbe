"""Deliver the outbox through each channel's Sender: throttled, retried, crash-safe.

Delivery is at-least-once. A row is claimed with a lease (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so several dispatchers never take the same row; SQLite: writes are serialised, so the
claiming UPDATE alone is enough), the lease is committed, the row is sent *outside* any
transaction, and only after the sender returns is it marked `sent`. A dispatcher that dies
after claiming leaves rows that are claimed again once their lease expires. The one window left
is a crash after the platform accepted a message and before our `sent` commit: that message is
sent again. Each reply carries `meta["outbox_key"]` (the row's idempotency key) so a platform
or sender that can deduplicate does; Telegram cannot, so there one repeat is possible.

Only the head of each recipient's queue is claimed, so a citizen receives "being handled",
"answered" and "please rate" in the order they were written, even across retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.delivery import DeliveryError, Sender
from bot.messages import Reply
from bot.models import Contact, utcnow
from bot.outbox import BLOCKED, FAILED, PENDING, SENT, OutboxMessage, load_replies
from bot.sqlutil import rowcount

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
Job = Callable[[Session, dt.datetime], object]


@dataclass(frozen=True)
class Claimed:
    """One outbox row this dispatcher holds a lease on."""

    id: int
    channel: str
    recipient: str
    replies: list[Reply]
    attempts: int
    lease_until: dt.datetime
    token: str


class Dispatcher:
    """Drains the outbox: `await run_once()` for one pass, `await run_forever()` as a task."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: Mapping[str, Sender],
        *,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        max_attempts: int = 8,
        batch: int = 50,
        backoff: dt.timedelta = dt.timedelta(seconds=10),
        max_backoff: dt.timedelta = dt.timedelta(hours=1),
        clock: Clock = utcnow,
        jobs: Sequence[Job] = (),
    ) -> None:
        self.sessions = sessions
        self.senders = dict(senders)
        self.lease, self.max_attempts, self.batch = lease, max_attempts, batch
        self.backoff, self.max_backoff = backoff, max_backoff
        self.clock = clock
        self.jobs = list(jobs)
        self._next_slot: dict[str, float] = {}  # channel -> loop time of the next allowed send
        self._paused_until: dict[str, dt.datetime] = {}  # channel -> after a 429

    # -- claiming --------------------------------------------------------------------------
    def claim(self) -> list[Claimed]:
        """Lease up to `batch` due rows (heads of their recipient's queue) and commit the lease."""
        now = self.clock()
        channels = [c for c in self.senders if self._paused_until.get(c, now) <= now]
        if not channels:
            return []
        earlier = aliased(OutboxMessage)
        head_of_queue = (
            ~select(earlier.id)
            .where(
                earlier.channel == OutboxMessage.channel,
                earlier.recipient == OutboxMessage.recipient,
                earlier.status == PENDING,
                earlier.id < OutboxMessage.id,
            )
            .exists()
        )
        due = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == PENDING,
                OutboxMessage.channel.in_(channels),
                OutboxMessage.next_attempt_at <= now,
                (OutboxMessage.lease_until.is_(None)) | (OutboxMessage.lease_until < now),
                head_of_queue,
            )
            .order_by(OutboxMessage.id)
            .limit(self.batch)
            .with_for_update(skip_locked=True, of=OutboxMessage)  # not rendered on SQLite
        )
        lease_until, token = now + self.lease, uuid.uuid4().hex
        with self.sessions.begin() as session:
            ids = list(session.scalars(due))
            if not ids:
                return []
            # The conditions are repeated so the UPDATE itself decides on SQLite, where the
            # SELECT above ran before the write lock was taken.
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids),
                    OutboxMessage.status == PENDING,
                    (OutboxMessage.lease_until.is_(None)) | (OutboxMessage.lease_until < now),
                )
                .values(lease_until=lease_until, claim_token=token)
            )
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token)
                .order_by(OutboxMessage.id)
            ).all()
            return [
                Claimed(
                    r.id,
                    r.channel,
                    r.recipient,
                    load_replies(r.payload),
                    r.attempts,
                    lease_until,
                    token,
                )
                for r in rows
            ]

    # -- one pass --------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Run the periodic jobs, claim due rows and deliver them; returns how many were sent.

        Database work runs in a worker thread so a slow database never stalls the event loop
        that also serves the channels' webhooks.
        """
        await asyncio.to_thread(self._run_jobs)
        claimed = await asyncio.to_thread(self.claim)
        by_channel: dict[str, list[Claimed]] = {}
        for row in claimed:
            by_channel.setdefault(row.channel, []).append(row)
        counts = await asyncio.gather(
            *(self._deliver_channel(channel, rows) for channel, rows in by_channel.items())
        )
        return sum(counts)

    async def run_forever(self, interval: float = 1.0, stop: asyncio.Event | None = None) -> None:
        """Keep draining until `stop` is set (or the task is cancelled)."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:  # a database hiccup must not end delivery for good
                log.exception("outbox pass failed; retrying")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)

    def _run_jobs(self) -> None:
        for job in self.jobs:
            try:
                with self.sessions.begin() as session:
                    job(session, self.clock())
            except Exception:  # one broken job must not stop message delivery
                log.exception("outbox job %r failed", job)

    # -- sending ---------------------------------------------------------------------------
    async def _deliver_channel(self, channel: str, rows: list[Claimed]) -> int:
        sender = self.senders[channel]
        sent = 0
        for index, row in enumerate(rows):
            await self._throttle(channel, sender.rate_per_second)
            if self.clock() >= row.lease_until:  # too slow: another dispatcher may own it now
                await asyncio.to_thread(self._release, rows[index:])
                break
            try:
                await sender.send(row.recipient, row.replies)
            except DeliveryError as error:
                await asyncio.to_thread(self._failed, row, error)
                if error.retry_after is not None:
                    pause = dt.timedelta(seconds=error.retry_after)
                    self._paused_until[channel] = self.clock() + pause
                    await asyncio.to_thread(self._release, rows[index + 1 :])
                    break
                continue
            except Exception as error:  # a sender bug: keep the row, retry later
                log.exception("sender for %s raised unexpectedly", channel)
                await asyncio.to_thread(self._failed, row, DeliveryError(repr(error)))
                continue
            await asyncio.to_thread(self._mark_sent, row)
            sent += 1
        return sent

    async def _throttle(self, channel: str, rate: float) -> None:
        loop = asyncio.get_running_loop()
        wait = self._next_slot.get(channel, 0.0) - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._next_slot[channel] = loop.time() + (1.0 / rate if rate > 0 else 0.0)

    # -- recording outcomes ----------------------------------------------------------------
    @staticmethod
    def _owned(row: Claimed) -> ColumnElement[bool]:
        return and_(
            OutboxMessage.id == row.id,
            OutboxMessage.claim_token == row.token,
            OutboxMessage.status == PENDING,
        )

    def _mark_sent(self, row: Claimed) -> None:
        with self.sessions.begin() as session:
            done = session.execute(
                update(OutboxMessage)
                .where(self._owned(row))
                .values(
                    status=SENT,
                    sent_at=self.clock(),
                    attempts=OutboxMessage.attempts + 1,
                    lease_until=None,
                    last_error=None,
                )
            )
            if rowcount(done) != 1:
                log.warning("outbox row %s was reclaimed while being sent", row.id)

    def _failed(self, row: Claimed, error: DeliveryError) -> None:
        attempts = row.attempts + 1
        now = self.clock()
        if error.permanent:
            status, when = BLOCKED, now
        elif error.retry_after is not None:
            status, when = PENDING, now + dt.timedelta(seconds=error.retry_after)
        elif attempts >= self.max_attempts:
            status, when = FAILED, now
        else:
            delay = min(self.backoff * 2 ** (attempts - 1), self.max_backoff)
            status, when = PENDING, now + delay
        log.warning("outbox row %s to %s: %s -> %s", row.id, row.channel, error, status)
        with self.sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(self._owned(row))
                .values(
                    status=status,
                    attempts=attempts,
                    next_attempt_at=when,
                    lease_until=None,
                    last_error=str(error)[:2000],
                )
            )
            if status == BLOCKED:
                session.execute(
                    update(Contact)
                    .where(Contact.channel == row.channel, Contact.external_id == row.recipient)
                    .values(blocked=True)
                )

    def _release(self, rows: list[Claimed]) -> None:
        if not rows:
            return
        with self.sessions.begin() as session:
            for row in rows:
                session.execute(
                    update(OutboxMessage).where(self._owned(row)).values(lease_until=None)
                )
