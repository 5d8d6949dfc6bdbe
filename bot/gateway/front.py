"""The front door: updates into the durable inbox, workers out of it, one citizen at a time.

Every channel's webhook (or polling loop) calls `receive`, which commits the raw update before
the platform is answered. `run_forever` claims inbox rows (per-citizen order across processes,
see `bot.gateway.inbox`), asks the channel's adapter to translate each one, applies the flood
gate, runs the core and stores its replies in one transaction, then has the adapter send them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from bot.gateway import inbox
from bot.gateway.alerts import StaffAlerts, short_id
from bot.gateway.batch import Coalescer
from bot.gateway.contacts import mark_blocked
from bot.gateway.events import Adapter, Arrival, Delivered, Membership
from bot.gateway.flood import FloodGate, TransactionalFloodGate, Verdict
from bot.gateway.progress import Progress
from bot.gateway.slots import BlockedRate
from bot.logsafety import mask
from bot.messages import Inbound, Reply
from bot.render import say
from bot.runtime import Services
from bot.waiting import wait_or_timeout

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
# Threads running the core. The core is mostly CPU under the GIL: more threads than cores
# starve the event loop (measured: 2 threads beat 4 and 8 on a 2-core machine).
THREADS = min(4, max(2, os.cpu_count() or 2))
IN_FLIGHT = 64  # rows held at once by one process (one citizen's are still in order)
POLL = 0.2  # seconds between claims when nothing woke us (rows stored by other processes)
MAX_ATTEMPTS = 5  # a row that killed its worker this often is given up (a poison message)


def language_of(inbound: Inbound) -> str:
    """The language to use before the core has looked the contact up (flood, apology)."""
    return "en" if (inbound.language_hint or "").startswith("en") else "vi"


def _finished_all(_count: int, items: int) -> list[None]:
    """One result per row (a row taken over by another worker is not ours to finish)."""
    return [None] * items


def worker_name() -> str:
    """Who holds a lease: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Gateway:
    """The channel-neutral pipeline; channels register an `Adapter` for their name."""

    def __init__(
        self,
        services: Services,
        flood: FloodGate,
        *,
        threads: int = THREADS,
        lease: dt.timedelta = inbox.LEASE,
        poll: float = POLL,
    ) -> None:
        self.services = services
        self.flood = flood
        self.lease, self.poll = lease, poll
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="core")
        self.adapters: dict[str, Adapter] = {}
        self.rates: dict[str, float] = {}  # channel -> the platform's sends per second
        self.slots = BlockedRate(services.shared.rate)
        # A flood gate in the application's database records the message in its transaction.
        self.gate_in_transaction: TransactionalFloodGate | None = None
        if isinstance(flood, TransactionalFloodGate) and flood.in_database:
            self.gate_in_transaction = flood
        self.wall: Callable[[], float] = time.time
        self.alerts: StaffAlerts | None = None
        self.progress = Progress()
        self.worker = worker_name()
        self.running = False
        self._held: dict[int, inbox.Claim] = {}
        # Webhooks arriving together are committed by one INSERT, rows sent together are
        # marked done by one UPDATE (each caller still waits for its own commit).
        engine = services.engine
        self._stores: Coalescer[inbox.Update, bool] = Coalescer(self._store_batch)
        self._finishes: Coalescer[inbox.Claim, None] = Coalescer(
            lambda held: _finished_all(inbox.finish(engine, held), len(held))
        )
        self._wake = asyncio.Event()

    def register(self, adapter: Adapter) -> None:
        """Handle `adapter.name`'s inbox rows with this adapter."""
        self.adapters[adapter.name] = adapter

    def limit(self, channel: str, rate_per_second: float) -> None:
        """Book `channel`'s replies in the send rate its outbox sender books too (one bot's
        limit, shared by every worker and dispatcher; see `bot.shared`)."""
        self.rates[channel] = rate_per_second

    async def run_sync(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run blocking code (the core, the database) off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))

    # -- the door ----------------------------------------------------------------------------
    async def receive(
        self, channel: str, platform_id: str, citizen: str, payload: dict[str, Any]
    ) -> bool:
        """Commit one raw update to the inbox; False for a redelivery (absorbed). Only after
        this returns may the channel acknowledge the update to its platform."""
        new = await self._stores.submit((channel, platform_id, citizen, payload))
        if new:
            self._wake.set()
        else:
            self.progress.duplicates += 1
            self.progress.finish()
        return new

    def _store_batch(self, updates: list[inbox.Update]) -> list[bool | BaseException]:
        """In a thread: one INSERT for the batch; when it fails, each update on its own, so
        one update the database refuses fails its own webhook only (the others are stored)."""
        engine = self.services.engine
        try:
            return list(inbox.store_many(engine, updates))
        except SQLAlchemyError:
            if len(updates) == 1:
                raise
        results: list[bool | BaseException] = []
        for update in updates:
            try:
                results.append(inbox.store_many(engine, [update])[0])
            except SQLAlchemyError as error:
                results.append(error)
        return results

    def skip(self) -> None:
        """Count an update the channel acknowledged without storing (nothing to handle)."""
        self.progress.ignored += 1
        self.progress.finish()

    def status(self) -> dict[str, Any]:
        """The real backlog (every process's), its oldest age, and this process's counters."""
        found = inbox.backlog(self.services.engine)
        found["running"] = self.running
        found["held_here"] = len(self._held)
        return found

    # -- the workers --------------------------------------------------------------------------
    async def run_forever(self) -> None:
        """Claim and handle inbox rows until cancelled; renew the leases of rows in hand."""
        self.running = True
        tasks: set[asyncio.Task[None]] = set()
        keeper = asyncio.create_task(self._renew_forever())
        try:
            while True:
                self._wake.clear()  # before claiming: a row stored meanwhile wakes us again
                free = IN_FLIGHT - len(tasks)
                claims = await self._claim(free) if free > 0 else []
                for held in claims:
                    self._held[held.id] = held
                    task = asyncio.create_task(self._process(held))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    task.add_done_callback(lambda _t: self._wake.set())
                if not claims or free <= len(claims):
                    await wait_or_timeout(self._wake, self.poll)
        finally:
            self.running = False
            keeper.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(keeper, *tasks, return_exceptions=True)

    def stop(self) -> None:
        """Release the threads (after `run_forever` was cancelled)."""
        self.executor.shutdown(wait=True)

    async def _claim(self, limit: int) -> list[inbox.Claim]:
        try:
            return await self.run_sync(
                inbox.claim, self.services.engine, self.worker, limit, self.lease
            )
        except Exception:
            log.exception("could not claim inbox rows; retrying")
            await asyncio.sleep(1.0)
            return []

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            held = list(self._held.values())
            try:
                await self.run_sync(inbox.renew, self.services.engine, held, self.lease)
            except Exception:
                log.exception("could not renew inbox leases")

    async def _process(self, held: inbox.Claim) -> None:
        """One row end to end; whatever happens, it is counted as finished."""
        arrival: Arrival | None = None
        try:
            adapter = self.adapters[held.channel]
            if held.attempts > MAX_ATTEMPTS:
                log.error("inbox row %d failed %d times; given up", held.id, held.attempts - 1)
                await self._finish(held, inbox.FAILED)
                return
            event = adapter.translate(held.payload)
            if isinstance(event, Arrival):
                arrival = event
            await self._handle(adapter, held, event)
        except inbox.LeaseLostError:
            self.progress.taken_over += 1
            log.info("inbox row %d was taken over by another worker", held.id)
        except Exception as error:
            self.progress.failed += 1
            await self._failed(held, arrival, error)
        finally:
            self._held.pop(held.id, None)
            self.progress.finish()

    async def _handle(self, adapter: Adapter, held: inbox.Claim, event: object) -> None:
        if isinstance(event, Membership):
            await self._mark(held.channel, event.user_id, event.blocked)
            await self._finish(held)
            return
        if not isinstance(event, Arrival):
            self.progress.ignored += 1
            await self._finish(held)
            return
        replies = held.replies
        if replies is None:  # not handled yet (else: handled before a crash, only send)
            started = time.perf_counter()
            verdict, replies, wait = await self.run_sync(self._gate_then_core, held, event.inbound)
            if replies is None:
                self.progress.flooded += 1
                await self._flooded(adapter, event, verdict)
                await self._finish(held)
                return
            self.progress.core_seconds += time.perf_counter() - started
        else:
            wait = await asyncio.to_thread(self._reserve, held.channel, len(replies))
        if wait > 0:
            await asyncio.sleep(wait)
        started = time.perf_counter()
        delivered = await adapter.respond(event, replies)
        self.progress.send_seconds += time.perf_counter() - started
        if delivered is Delivered.FAILED:
            # The platform is unreachable: keep the row (its replies are stored); once the
            # lease runs out it is claimed again and only the sending is repeated.
            self.progress.undelivered += 1
            return
        if delivered is Delivered.BLOCKED and event.private:
            await self._mark(held.channel, event.inbound.user_id, True)
        # Done at once, not batched: the window between "sent" and "done", where a crash
        # makes another worker send the same replies again, stays one round trip wide.
        await self._finish(held)
        self.progress.handled += 1

    def _reserve(self, channel: str, count: int) -> float:
        """Book `count` sends' worth of the channel's shared rate (one booking, however many
        replies: a slot `count` sends wide); the seconds to wait before sending."""
        rate = self.rates.get(channel, 0.0)
        if rate <= 0 or count <= 0:
            return 0.0
        return self.slots.reserve(f"send:{channel}", rate, count, self.wall())

    def _gate_then_core(
        self, held: inbox.Claim, inbound: Inbound
    ) -> tuple[Verdict, list[Reply] | None, float]:
        """In a worker thread, in one hop from the event loop: the flood verdict, the core's
        replies when the message is allowed, and the wait for their share of the send rate."""
        if self.gate_in_transaction is None:
            verdict = self.flood.check(held.citizen, held.received_at.timestamp())
            if verdict is not Verdict.ALLOW:
                return verdict, None, 0.0
        verdict, replies = self._core(held, inbound)
        if replies is None:
            return verdict, None, 0.0
        return verdict, replies, self._reserve(held.channel, len(replies))

    def _core(self, held: inbox.Claim, inbound: Inbound) -> tuple[Verdict, list[Reply] | None]:
        """In a worker thread: the flood gate (when it lives in this database), the core and
        the inbox row's replies in one transaction. No replies when the gate refused."""
        for attempt in (1, 2):
            try:
                with self.services.sessions.begin() as session:
                    gate = self.gate_in_transaction
                    if gate is not None:
                        arrived = held.received_at.timestamp()
                        verdict = gate.check_on(session.connection(), held.citizen, arrived)
                        if verdict is not Verdict.ALLOW:
                            return verdict, None  # committed: the count is kept
                    replies = self.services.assistant.handle_in(session, inbound)
                    inbox.save_replies(session, held, replies)
                    return Verdict.ALLOW, replies
            except IntegrityError:
                # Two first messages from a new contact raced to create it; the retry finds it.
                if attempt == 2:
                    raise
                log.info("retrying a message after a concurrent insert")
            except DBAPIError as error:
                # The pooled connection had died (a database restart): retry on a fresh one.
                if attempt == 2 or not error.connection_invalidated:
                    raise
                log.warning("retrying a message on a fresh database connection")
        raise AssertionError("unreachable")

    async def _flooded(self, adapter: Adapter, arrival: Arrival, verdict: Verdict) -> None:
        text = say(self.services.matcher.kb, "flood", language_of(arrival.inbound))
        await adapter.respond(arrival, [Reply(text)] if verdict is Verdict.WARN else [], True)

    async def _mark(self, channel: str, user_id: str, blocked: bool) -> None:
        await self.run_sync(mark_blocked, self.services.engine, channel, user_id, blocked)
        log.info("user %s %s the bot", short_id(user_id), "blocked" if blocked else "unblocked")

    async def _finish(self, held: inbox.Claim, state: str = inbox.DONE) -> None:
        # Not on the core's threads: queued behind other citizens' core work, "done" would
        # lag the send, and a crash in that gap makes another worker send the replies again.
        # Rows finishing together share one UPDATE: the gap is at most the one running.
        if state == inbox.DONE:
            await self._finishes.submit(held)
        else:
            await asyncio.to_thread(inbox.finish, self.services.engine, [held], state)

    async def _failed(self, held: inbox.Claim, arrival: Arrival | None, error: Exception) -> None:
        """Log without personal data, apologise, tell the staff; the row is not retried."""
        chat = arrival.inbound.user_id if arrival is not None else None
        log.error(
            "unhandled %s on %s update %s (chat %s):\n%s",
            type(error).__name__,
            held.channel,
            held.platform_id,
            short_id(chat) if chat else "-",
            mask("".join(traceback.format_exception(error))),
        )
        try:
            await self._finish(held, inbox.FAILED)
        except Exception:
            log.exception("could not mark inbox row %d failed (its lease will expire)", held.id)
        if arrival is not None:
            sorry = say(self.services.matcher.kb, "error", language_of(arrival.inbound))
            try:
                await self.adapters[held.channel].respond(arrival, [Reply(sorry)])
            except Exception:
                log.warning("could not apologise for update %s", held.platform_id)
        if self.alerts is not None:
            await self.alerts.error(type(error).__name__, held.platform_id, chat)
