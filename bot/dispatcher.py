"""Deliver the outbox through each channel's Sender: throttled, retried, crash-safe.

Delivery is at-least-once. A row is claimed with a short lease (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so several dispatchers never take the same row; SQLite: writes are serialised, so the
claiming UPDATE alone is enough), the lease is committed, the row is sent *outside* any
transaction, and only after the sender returns is it marked `sent`. The lease is seconds long
and renewed while the dispatcher is still sending, so the rows of a dispatcher that died are
taken by another within one lease. A row of several replies sends them one by one and commits
`parts_sent` after each, so a retry after a crash sends only the replies not yet sent.

The one window left is a crash after the platform accepted a message and before its commit:
that one message is sent again. Each reply carries `meta["outbox_key"]` so a platform or
sender that can deduplicate does; Telegram cannot, so there one repeat is possible.

Only the head of each recipient's queue is claimed, so a citizen receives "being handled",
"answered" and "please rate" in the order they were written, even across retries. The send
rate is booked in a `SendRate` shared by every dispatcher of every worker, so N workers
together stay under one bot token's limit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot import outbox_rows
from bot.delivery import DeliveryError, Sender
from bot.models import utcnow
from bot.outbox import BLOCKED, FAILED, HELD, PENDING
from bot.outbox_rows import Claimed
from bot.shared.memory import MemoryRate
from bot.shared.protocols import SendRate
from bot.waiting import wait_or_timeout

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
Job = Callable[[Session, dt.datetime], object]
LEASE = dt.timedelta(seconds=30)

__all__ = ["LEASE", "Claimed", "Dispatcher"]


class Outcome(enum.Enum):
    """What became of one row."""

    SENT = "sent"
    FAILED = "failed"  # recorded; go on with the next row
    PAUSE = "pause"  # the platform asked us to wait: stop this channel for now
    LOST = "lost"  # our lease ran out: another dispatcher may own the rest


@dataclass
class Lease:
    """The lease shared by every row of one claim."""

    token: str
    until: dt.datetime


class Dispatcher:
    """Drains the outbox: `await run_once()` for one pass, `await run_forever()` as a task."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: Mapping[str, Sender],
        *,
        lease: dt.timedelta = LEASE,
        max_attempts: int = 8,
        batch: int = 50,
        backoff: dt.timedelta = dt.timedelta(seconds=10),
        max_backoff: dt.timedelta = dt.timedelta(hours=1),
        clock: Clock = utcnow,
        jobs: Sequence[Job] = (),
        rate: SendRate | None = None,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        concurrency: int = 1,
    ) -> None:
        self.sessions = sessions
        self.senders = dict(senders)
        self.lease, self.max_attempts, self.batch = lease, max_attempts, batch
        self.backoff, self.max_backoff = backoff, max_backoff
        self.clock = clock
        self.jobs = list(jobs)
        self.rate: SendRate = rate or MemoryRate()
        self.wall, self.sleep = wall, sleep
        self.concurrency = max(concurrency, 1)  # rows of one claim in flight at once
        self._paused_until: dict[str, dt.datetime] = {}  # channel -> after a 429

    # -- claiming --------------------------------------------------------------------------
    def claim(self) -> list[Claimed]:
        """Lease up to `batch` due rows (heads of their recipient's queue) and commit the lease."""
        now = self.clock()
        channels = [c for c in self.senders if self._paused_until.get(c, now) <= now]
        if not channels:
            return []
        return outbox_rows.claim(self.sessions, channels, now, self.lease, self.batch)

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
                await wait_or_timeout(stop, interval)

    def _run_jobs(self) -> None:
        for job in self.jobs:
            try:
                with self.sessions.begin() as session:
                    job(session, self.clock())
            except Exception:  # one broken job must not stop message delivery
                log.exception("outbox job %r failed", job)

    # -- sending ---------------------------------------------------------------------------
    async def _deliver_channel(self, channel: str, rows: list[Claimed]) -> int:
        """Send a claim's rows, `concurrency` at a time (a claim holds one row per chat, so
        rows sent together never reorder one citizen's messages)."""
        sender = self.senders[channel]
        lease = Lease(rows[0].token, rows[0].lease_until)
        sent = 0
        for start in range(0, len(rows), self.concurrency):
            window = rows[start : start + self.concurrency]
            together = len(window) > 1  # then one commit marks the window's sent rows
            ids: dict[int, str] = {}  # row id -> the platform's message id, when reported
            outcomes = await asyncio.gather(
                *(self._deliver_row(sender, row, lease, together, ids) for row in window)
            )
            done = [r for r, o in zip(window, outcomes, strict=True) if o is Outcome.SENT]
            if together and done:
                await asyncio.to_thread(
                    outbox_rows.mark_all_sent, self.sessions, done, self.clock(), ids
                )
            sent += len(done)
            if any(o in (Outcome.PAUSE, Outcome.LOST) for o in outcomes):
                # A paused row has its own retry time; a lost one was not sent and goes back
                # too (release only touches rows still carrying our claim token).
                lost = [r for r, o in zip(window, outcomes, strict=True) if o is Outcome.LOST]
                rest = rows[start + len(window) :]
                await asyncio.to_thread(outbox_rows.release, self.sessions, lost + rest)
                break
        return sent

    async def _deliver_row(
        self,
        sender: Sender,
        row: Claimed,
        lease: Lease,
        defer: bool = False,
        ids: dict[int, str] | None = None,
    ) -> Outcome:
        ids = {} if ids is None else ids
        for part in range(row.parts_sent, len(row.replies)):
            await self._throttle(sender)
            if not await self._hold(lease):
                return Outcome.LOST
            try:
                message_id = await sender.send(row.recipient, [row.replies[part]])
            except DeliveryError as error:
                await asyncio.to_thread(self._failed, sender.channel, row, error)
                return Outcome.FAILED if error.retry_after is None else Outcome.PAUSE
            except Exception as error:  # a sender bug: keep the row, retry later
                log.exception("sender for %s raised unexpectedly", sender.channel)
                failure = DeliveryError(repr(error))
                await asyncio.to_thread(self._failed, sender.channel, row, failure)
                return Outcome.FAILED
            if message_id is not None:
                ids[row.id] = str(message_id)
            if part + 1 < len(row.replies):
                until = self.clock() + self.lease
                kept = await asyncio.to_thread(
                    outbox_rows.record_part, self.sessions, row, part + 1, until
                )
                if not kept:
                    return Outcome.LOST
                lease.until = until
        if not defer:
            await asyncio.to_thread(
                outbox_rows.mark_sent, self.sessions, row, self.clock(), ids.get(row.id)
            )
        return Outcome.SENT

    async def _hold(self, lease: Lease) -> bool:
        """Whether the lease still holds, renewed first when half of it has gone."""
        now = self.clock()
        if now >= lease.until:  # too slow: another dispatcher may own these rows now
            return False
        if lease.until - now < self.lease / 2:
            until = now + self.lease
            await asyncio.to_thread(outbox_rows.renew, self.sessions, lease.token, until)
            lease.until = until
        return True

    async def _throttle(self, sender: Sender) -> None:
        rate = sender.rate_per_second
        if rate <= 0:
            return
        key = f"send:{sender.channel}"
        wait = await asyncio.to_thread(self.rate.reserve, key, rate, self.wall())
        if wait > 0:
            await self.sleep(wait)

    # -- recording outcomes ----------------------------------------------------------------
    def _failed(self, channel: str, row: Claimed, error: DeliveryError) -> None:
        attempts = row.attempts + 1
        now = self.clock()
        if error.held:
            status, when = HELD, now
        elif error.permanent:
            status, when = BLOCKED, now
        elif error.retry_after is not None:
            status, when = PENDING, now + dt.timedelta(seconds=error.retry_after)
            self._paused_until[channel] = when
        elif attempts >= self.max_attempts:
            status, when = FAILED, now
        else:
            delay = min(self.backoff * 2 ** (attempts - 1), self.max_backoff)
            status, when = PENDING, now + delay
        log.warning("outbox row %s to %s: %s -> %s", row.id, row.channel, error, status)
        outbox_rows.mark_failed(self.sessions, row, error, status, when)
