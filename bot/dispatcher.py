"""Deliver the outbox through each channel's Sender: throttled, retried, crash-safe.

Delivery is at-least-once. A row is claimed with a short lease (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so several dispatchers never take the same row; SQLite: writes are serialised, so the
claiming UPDATE alone is enough), the lease is committed, the row is sent *outside* any
transaction, and only after the sender returns is it marked `sent`. The lease is seconds long
and renewed while the dispatcher is still sending, so the rows of a dispatcher that died are
taken by another within one lease. A row of several replies sends them one by one and commits
`parts_sent` after each, so a retry after a crash sends only the replies not yet sent.

`run_forever` is a pipeline: `concurrency` workers send rows while the next claim is already
being made (when the rows claimed and not finished fall to half a batch), the periodic jobs
run beside them, and rows that finish while a mark-sent commit runs are marked by the next
one (`bot.outbox_marks`). A worker keeps its row until the commit that marks it is over.

**The duplicate window.** A message is sent twice only if the process dies after the platform
accepted it and before the commit that marks its row `sent`: that row keeps its lease, and
another dispatcher sends it again once the lease runs out. Since each worker holds its row
until that commit is over, at most `concurrency` messages (default 4) of one dispatcher are
ever in that window, one per chat; plus, for a row of several replies, the one reply whose
`parts_sent` commit had not finished. Each reply carries `meta["outbox_key"]` so a platform
or sender that can deduplicate does; Telegram cannot, so there the repeat is possible.

Only the head of each recipient's queue is claimed, and a row stays pending (so its chat's
later rows are not heads) until it is marked, so a citizen receives "being handled",
"answered" and "please rate" in the order they were written, even across retries and with
rows of other chats in flight. Claimed rows wait in a priority queue, so a ticket answer
claimed after a batch of announcement rows still goes first. The send rate is booked in a
`SendRate` shared by every dispatcher of every worker, in blocks (`bot.shared.booking`), so
N workers together stay under one bot token's limit.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import enum
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot import outbox_rows
from bot.delivery import DeliveryError, Sender
from bot.models import utcnow
from bot.outbox import BLOCKED, FAILED, HELD, PENDING
from bot.outbox_marks import SentMarks
from bot.outbox_rows import Claimed
from bot.shared.booking import SlotBook
from bot.shared.memory import MemoryRate
from bot.shared.protocols import SendRate
from bot.waiting import wait_or_timeout

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
Job = Callable[[Session, dt.datetime], object]
LEASE = dt.timedelta(seconds=30)
CONCURRENCY = 4  # rows in flight per dispatcher: the duplicate window (see above)
ONE_ON_THE_WIRE_BELOW = 100.0  # msg/s: a slot wider than 10 ms, a few local round trips
JOBS_WHILE_BUSY = 0.2  # seconds between job passes while rows are being sent

__all__ = ["LEASE", "Claimed", "Dispatcher"]


class Outcome(enum.Enum):
    """What became of one row."""

    SENT = "sent"
    FAILED = "failed"  # recorded; go on with the next row
    PAUSE = "pause"  # the platform asked us to wait: stop this channel for now
    LOST = "lost"  # our lease ran out: another dispatcher may own the rest
    PAUSED = "paused"  # the channel was paused before this row went: given back unsent


@dataclass
class Lease:
    """The lease shared by every row of one claim."""

    token: str
    until: dt.datetime
    renewing: bool = False  # one renewal at a time, however many rows of it are in flight


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
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.sessions = sessions
        self.senders = dict(senders)
        self.lease, self.max_attempts, self.batch = lease, max_attempts, batch
        self.backoff, self.max_backoff = backoff, max_backoff
        self.clock = clock
        self.jobs = list(jobs)
        self.rate: SendRate = rate or MemoryRate()
        self.slots = SlotBook(self.rate)
        self.wall, self.sleep = wall, sleep
        self.concurrency = max(concurrency, 1)  # rows sent and not yet recorded, at most
        self._paused_until: dict[str, dt.datetime] = {}  # channel -> after a 429
        self._paced: dict[str, float] = {}  # send key -> this process's next request, earliest
        self._recent: dict[str, collections.deque[float]] = {}  # send key -> last starts
        self._wires: dict[str, asyncio.Lock] = {}  # send key -> one request at a time (slow rates)
        self.sent = 0  # rows delivered by this dispatcher so far

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
        if not claimed:
            return 0
        self._wires = {}  # locks belong to one event loop
        marks, gate = self._marks(), asyncio.Semaphore(self.concurrency)
        leases: dict[str, Lease] = {}

        async def one(row: Claimed) -> Outcome:
            async with gate:
                lease = leases.setdefault(row.token, Lease(row.token, row.lease_until))
                return await self._deliver(row, lease, marks)

        outcomes = await asyncio.gather(*(one(row) for row in claimed))
        return sum(1 for outcome in outcomes if outcome is Outcome.SENT)

    async def run_forever(self, interval: float = 1.0, stop: asyncio.Event | None = None) -> None:
        """Keep draining until `stop` is set (or the task is cancelled): `concurrency` workers
        send from a priority queue that the next claim refills when half a batch is left."""
        stop = stop or asyncio.Event()
        self._wires, feed = {}, _Feed()
        marks = self._marks()
        workers = [asyncio.create_task(self._work(feed, marks)) for _ in range(self.concurrency)]
        claimed_some = asyncio.Event()
        jobs = asyncio.create_task(self._jobs_forever(stop, claimed_some, interval))
        try:
            while not stop.is_set():
                try:
                    claimed = await asyncio.to_thread(self.claim)
                except Exception:  # a database hiccup must not end delivery for good
                    log.exception("outbox claim failed; retrying")
                    claimed = []
                feed.put(claimed)
                if not claimed:
                    await wait_or_timeout(stop, interval)
                    continue
                claimed_some.set()
                # After a full claim, claim again while half a batch is still to go (the next
                # claim's latency is hidden); after a short one, once all of it is done.
                await feed.wait_below(
                    self.batch // 2 + 1 if len(claimed) >= self.batch else 1, stop
                )
            await feed.wait_below(1, None, timeout=10.0, give_back=self._give_back)
        finally:
            jobs.cancel()
            for worker in workers:
                worker.cancel()
            await asyncio.gather(jobs, *workers, return_exceptions=True)
            await self._give_back(feed.take_all())
            await marks.drain()

    async def _work(self, feed: _Feed, marks: SentMarks) -> None:
        while True:
            row, lease = await feed.get()
            try:
                await self._deliver(row, lease, marks)
            except Exception:  # one row's surprise must not stop the worker
                log.exception("outbox row %s: delivery raised", row.id)
            finally:
                feed.finished()

    async def _jobs_forever(
        self, stop: asyncio.Event, claimed: asyncio.Event, interval: float
    ) -> None:
        """The periodic jobs beside the workers: after each claim that found rows (the expander
        must keep the outbox filled), at most every JOBS_WHILE_BUSY seconds, and at least every
        `interval`."""
        while not stop.is_set():
            claimed.clear()
            await asyncio.to_thread(self._run_jobs)
            await wait_or_timeout(stop, JOBS_WHILE_BUSY)
            await wait_or_timeout(claimed, max(interval - JOBS_WHILE_BUSY, 0.0))

    def _run_jobs(self) -> None:
        for job in self.jobs:
            try:
                with self.sessions.begin() as session:
                    job(session, self.clock())
            except Exception:  # one broken job must not stop message delivery
                log.exception("outbox job %r failed", job)

    def _marks(self) -> SentMarks:
        async def commit(rows: Sequence[Claimed], ids: dict[int, str]) -> None:
            now = self.clock()
            await asyncio.to_thread(outbox_rows.mark_all_sent, self.sessions, rows, now, ids)

        return SentMarks(commit)

    async def _give_back(self, rows: list[Claimed]) -> None:
        if rows:
            await asyncio.to_thread(outbox_rows.release, self.sessions, rows)

    # -- sending ---------------------------------------------------------------------------
    async def _deliver(self, row: Claimed, lease: Lease, marks: SentMarks) -> Outcome:
        """Send one row (rows in flight together are of distinct chats: a claim holds one row
        per chat, and a chat's next row is no head while this one is pending)."""
        outcome = await self._deliver_row(self.senders[row.channel], row, lease, marks)
        if outcome in (Outcome.LOST, Outcome.PAUSED):
            # Not sent: back to the queue at once (release only touches rows still carrying
            # our claim token, so a row another dispatcher took is left alone).
            await self._give_back([row])
        elif outcome is Outcome.SENT:
            self.sent += 1
        return outcome

    async def _deliver_row(
        self, sender: Sender, row: Claimed, lease: Lease, marks: SentMarks
    ) -> Outcome:
        message_id: str | None = None
        for part in range(row.parts_sent, len(row.replies)):
            if self._paused(sender.channel):
                return Outcome.PAUSED
            await self._throttle(sender)
            if not await self._hold(lease):
                return Outcome.LOST
            try:
                async with self._wire(sender):
                    if self._paused(sender.channel):  # a 429 came while this row waited
                        return Outcome.PAUSED
                    sent_id = await sender.send(row.recipient, [row.replies[part]])
            except DeliveryError as error:
                if error.retry_after is not None:  # at once: rows not yet sent wait too
                    self._pause(sender.channel, error.retry_after)
                await asyncio.to_thread(self._failed, row, error)
                return Outcome.FAILED if error.retry_after is None else Outcome.PAUSE
            except Exception as error:  # a sender bug: keep the row, retry later
                log.exception("sender for %s raised unexpectedly", sender.channel)
                failure = DeliveryError(repr(error))
                await asyncio.to_thread(self._failed, row, failure)
                return Outcome.FAILED
            if sent_id is not None:
                message_id = str(sent_id)
            if part + 1 < len(row.replies):
                until = self.clock() + self.lease
                kept = await asyncio.to_thread(
                    outbox_rows.record_part, self.sessions, row, part + 1, until
                )
                if not kept:
                    return Outcome.LOST
                lease.until = max(lease.until, until)
        try:
            await marks.done(row, message_id)
        except Exception:  # sent, not recorded: the lease runs out and it is sent again
            log.exception("outbox row %s sent but not marked", row.id)
            return Outcome.FAILED
        return Outcome.SENT

    def _pause(self, channel: str, seconds: float) -> None:
        """The platform asked us to wait: no row of this channel goes before then (and the
        rest of the booked block is stale)."""
        until = self.clock() + dt.timedelta(seconds=seconds)
        self._paused_until[channel] = max(self._paused_until.get(channel, until), until)
        self.slots.forget(f"send:{channel}")

    def _paused(self, channel: str) -> bool:
        until = self._paused_until.get(channel)
        return until is not None and until > self.clock()

    async def _hold(self, lease: Lease) -> bool:
        """Whether the lease still holds, renewed first when half of it has gone."""
        now = self.clock()
        if now >= lease.until:  # too slow: another dispatcher may own these rows now
            return False
        if lease.until - now < self.lease / 2 and not lease.renewing:
            until = now + self.lease
            lease.renewing = True
            try:
                await asyncio.to_thread(outbox_rows.renew, self.sessions, lease.token, until)
                lease.until = until
            finally:
                lease.renewing = False
        return True

    async def _throttle(self, sender: Sender) -> None:
        """Wait for this message's send slot: from the block already booked (no I/O), else a
        new block booked in the shared store (in a thread unless it is this process's)."""
        rate = sender.rate_per_second
        if rate <= 0:
            return
        key, now = f"send:{sender.channel}", self.wall()
        wait = self.slots.take(key, rate, now)
        if wait is None:
            if isinstance(self.rate, MemoryRate):
                wait = self.slots.book(key, rate, now)
            else:
                wait = await asyncio.to_thread(self.slots.book, key, rate, now)
        if wait > 0:
            await self.sleep(wait)

    @contextlib.asynccontextmanager
    async def _wire(self, sender: Sender) -> AsyncIterator[None]:
        """Around one request to the platform, paced by when requests really go: at most
        `rate` of this process's requests in any second (n in any n/rate seconds), and never
        two closer than half a slot. Rows a stall (GIL, a slow commit) kept past their
        booked slots may then catch up a little, but never put more than the rate into one
        second of the platform's (a 429 costs a second's pause). While a slot is wider than
        a round trip (under ONE_ON_THE_WIRE_BELOW msg/s) one request at a time, too: one
        that reached the platform late is never overtaken by the next."""
        rate = sender.rate_per_second
        if rate <= 0:
            yield
            return
        key = f"send:{sender.channel}"
        serial = rate < ONE_ON_THE_WIRE_BELOW
        lock = self._wires.setdefault(key, asyncio.Lock()) if serial else None
        async with lock or contextlib.nullcontext():
            now = self.wall()
            start = max(now, self._paced.get(key, now))
            recent = self._recent.setdefault(key, collections.deque())
            n = max(1, math.floor(rate))
            if len(recent) >= n:
                start = max(start, recent[-n] + n / rate)
            recent.append(start)
            while len(recent) > n:
                recent.popleft()
            self._paced[key] = start + 0.5 / rate
            if start > now:
                await self.sleep(start - now)
            yield

    # -- recording outcomes ----------------------------------------------------------------
    def _failed(self, row: Claimed, error: DeliveryError) -> None:
        attempts = row.attempts + 1
        now = self.clock()
        if error.held:
            status, when = HELD, now
        elif error.permanent:
            status, when = BLOCKED, now
        elif error.retry_after is not None:
            status, when = PENDING, now + dt.timedelta(seconds=error.retry_after)
        elif attempts >= self.max_attempts:
            status, when = FAILED, now
        else:
            delay = min(self.backoff * 2 ** (attempts - 1), self.max_backoff)
            status, when = PENDING, now + delay
        log.warning("outbox row %s to %s: %s -> %s", row.id, row.channel, error, status)
        outbox_rows.mark_failed(self.sessions, row, error, status, when)


class _Feed:
    """The claimed rows of `run_forever` waiting for a worker, urgent lane first, and how many
    are claimed and not yet finished."""

    def __init__(self) -> None:
        self.queue: asyncio.PriorityQueue[tuple[int, int, Claimed, Lease]] = (
            asyncio.PriorityQueue()
        )
        self.open = 0  # queued or in flight
        self.changed = asyncio.Event()

    def put(self, rows: Sequence[Claimed]) -> None:
        leases: dict[str, Lease] = {}
        for row in rows:
            lease = leases.setdefault(row.token, Lease(row.token, row.lease_until))
            self.queue.put_nowait((row.priority, row.id, row, lease))
        self.open += len(rows)

    async def get(self) -> tuple[Claimed, Lease]:
        _, _, row, lease = await self.queue.get()
        return row, lease

    def finished(self) -> None:
        self.open -= 1
        self.changed.set()

    def take_all(self) -> list[Claimed]:
        """Empty the queue (stopping): the rows no worker has started."""
        rows = []
        while not self.queue.empty():
            rows.append(self.queue.get_nowait()[2])
        self.open -= len(rows)
        return rows

    async def wait_below(
        self,
        level: int,
        stop: asyncio.Event | None,
        timeout: float | None = None,
        give_back: Callable[[list[Claimed]], Awaitable[None]] | None = None,
    ) -> None:
        """Until fewer than `level` rows are open, `stop` is set or `timeout` passes; with
        `give_back`, the queued rows are handed back first (stopping: only those in flight
        are waited for)."""
        if give_back is not None:
            await give_back(self.take_all())
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        while self.open >= level and not (stop is not None and stop.is_set()):
            left = 1.0 if deadline is None else deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return
            self.changed.clear()
            await wait_or_timeout(self.changed, min(left, 1.0))
