"""The outbox dispatcher under real concurrency and crashes, through its public API only.

Two dispatchers race on PostgreSQL (threads released by a barrier); leases expire mid-send; a
stale dispatcher holds an old claim token; a job or a whole pass raises.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.clock import FrozenClock, use
from bot.delivery import DeliveryError
from bot.dispatcher import Dispatcher
from bot.messages import Reply
from bot.outbox import OutboxMessage, enqueue
from bot.runtime import Services
from tests.feedback.chat import RecordingSender

LEASE = dt.timedelta(minutes=2)
WAIT = 10.0  # seconds a thread waits for the other before giving up (never reached when green)


START = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """One frozen clock for the whole core (enqueue) and the dispatchers alike."""
    with use(FrozenClock(START)) as frozen:
        yield frozen


def queue(services: Services, count: int, channel: str = "console") -> None:
    with services.sessions.begin() as session:
        for n in range(count):
            enqueue(session, channel, f"u{n}", [Reply(f"tin {n}")])


def rows(services: Services) -> list[OutboxMessage]:
    with services.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def pg(services: Services) -> Services:
    """The application on PostgreSQL only (row locks are what is being tested)."""
    if services.engine.dialect.name != "postgresql":
        pytest.skip("row locking is PostgreSQL's; SQLite serialises writers")
    return services


@pytest.fixture
def overlapping_claims(pg: Services) -> Iterator[dict[str, bool]]:
    """Hold the "first" thread's claim open until the "second" thread's claim has selected.

    With `SKIP LOCKED` the second SELECT returns at once, passing over the locked rows; a
    plain `FOR UPDATE` would wait for the first to commit, and the first would then give up
    waiting for it (recorded as `overlapped = False`).
    """
    first_locked, second_selected = threading.Event(), threading.Event()
    seen = {"overlapped": False}

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FOR UPDATE" in statement and threading.current_thread().name == "second":
            first_locked.wait(WAIT)

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FOR UPDATE" not in statement:
            return
        if threading.current_thread().name == "first":
            first_locked.set()
            seen["overlapped"] = second_selected.wait(WAIT)
        elif threading.current_thread().name == "second":
            second_selected.set()

    event.listen(pg.engine, "before_cursor_execute", before)
    event.listen(pg.engine, "after_cursor_execute", after)
    yield seen
    event.remove(pg.engine, "before_cursor_execute", before)
    event.remove(pg.engine, "after_cursor_execute", after)


def in_threads(*work: tuple[str, Any]) -> dict[str, Any]:
    """Run each (thread name, callable) at the same moment; return their results by name."""
    barrier = threading.Barrier(len(work))
    results: dict[str, Any] = {}

    def run(name: str, call: Any) -> None:
        barrier.wait()
        results[name] = call()

    threads = [threading.Thread(target=run, args=w, name=w[0]) for w in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * WAIT)
    assert set(results) == {name for name, _ in work}, "a dispatcher hung"
    return results


def test_two_dispatchers_claiming_at_the_same_moment_split_the_rows(
    pg: Services, overlapping_claims: dict[str, bool]
) -> None:
    queue(pg, 20)
    first = Dispatcher(pg.sessions, {"console": RecordingSender("console")}, batch=10)
    second = Dispatcher(pg.sessions, {"console": RecordingSender("console")}, batch=10)
    got = in_threads(("first", first.claim), ("second", second.claim))
    mine, theirs = {c.id for c in got["first"]}, {c.id for c in got["second"]}
    assert overlapping_claims["overlapped"], "the second claim waited for the first's lock"
    assert len(mine) == len(theirs) == 10
    assert not mine & theirs
    assert mine | theirs == {r.id for r in rows(pg)}


def test_two_dispatchers_draining_at_once_send_each_row_exactly_once(services: Services) -> None:
    queue(services, 30)
    senders = [RecordingSender("console") for _ in range(3)]
    dispatchers = [Dispatcher(services.sessions, {"console": s}, batch=4) for s in senders]

    def drain(dispatcher: Dispatcher) -> int:
        return sum(asyncio.run(dispatcher.run_once()) for _ in range(12))

    got = in_threads(*((f"d{n}", lambda d=d: drain(d)) for n, d in enumerate(dispatchers)))
    sent = collections.Counter(who for s in senders for who, _ in s.sent)
    assert sum(got.values()) == 30
    assert sent == collections.Counter(f"u{n}" for n in range(30))  # each exactly once
    assert [r.status for r in rows(services)] == ["sent"] * 30


class SlowSender(RecordingSender):
    """Sending the first message takes longer than the lease; meanwhile `during` runs."""

    def __init__(self, clock: FrozenClock, during: Any) -> None:
        super().__init__("console")
        self.clock, self.during = clock, during
        self.fail_first: DeliveryError | None = None

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        if not self.sent and self.during is not None:
            self.clock.advance(LEASE + dt.timedelta(seconds=1))
            during, self.during = self.during, None
            during()
            if self.fail_first is not None:
                raise self.fail_first
        self.sent.append((recipient, replies))


def test_a_lease_that_expires_mid_send_stops_the_slow_dispatcher_sending_the_rest(
    services: Services, clock: FrozenClock
) -> None:
    queue(services, 2)
    slow = SlowSender(clock, lambda: None)  # sending u0 outlasts the lease on both rows
    stale = Dispatcher(services.sessions, {"console": slow}, clock=clock, lease=LEASE)
    assert asyncio.run(stale.run_once()) == 1
    assert [who for who, _ in slow.sent] == ["u0"]  # u1 was no longer surely its own
    first, second = rows(services)
    assert (first.status, second.status, second.lease_until) == ("sent", "pending", None)
    other = RecordingSender("console")
    taker = Dispatcher(services.sessions, {"console": other}, clock=clock, lease=LEASE)
    assert asyncio.run(taker.run_once()) == 1
    assert [who for who, _ in other.sent] == ["u1"]


def test_a_stale_claim_token_cannot_release_or_fail_a_row_another_dispatcher_holds(
    services: Services, clock: FrozenClock
) -> None:
    queue(services, 2)
    taker = Dispatcher(services.sessions, {"console": RecordingSender("console")}, clock=clock)
    third = Dispatcher(services.sessions, {"console": RecordingSender("console")}, clock=clock)
    slow = SlowSender(clock, taker.claim)  # the taker leases both rows while u0 is sent
    slow.fail_first = DeliveryError("timeout")
    stale = Dispatcher(services.sessions, {"console": slow}, clock=clock, lease=LEASE)
    assert asyncio.run(stale.run_once()) == 0
    assert third.claim() == []  # still the taker's: the stale failure/release changed nothing
    held = rows(services)
    assert [(r.attempts, r.last_error, r.lease_until is not None) for r in held] == [
        (0, None, True),
        (0, None, True),
    ]


def test_the_maximum_backoff_is_honoured(services: Services, clock: FrozenClock) -> None:
    queue(services, 1)
    sender = RecordingSender("console")
    sender.failures += [DeliveryError("timeout") for _ in range(6)]
    dispatcher = Dispatcher(
        services.sessions,
        {"console": sender},
        clock=clock,
        backoff=dt.timedelta(seconds=10),
        max_backoff=dt.timedelta(seconds=60),
        max_attempts=20,
    )
    waits = []
    for _ in range(6):
        asyncio.run(dispatcher.run_once())
        [row] = rows(services)
        waits.append((row.next_attempt_at.replace(tzinfo=dt.UTC) - clock()).total_seconds())
        clock.advance(dt.timedelta(hours=2))
    assert waits == [10.0, 20.0, 40.0, 60.0, 60.0, 60.0]


def test_a_job_that_raises_stops_neither_the_other_jobs_nor_delivery(
    services: Services, clock: FrozenClock
) -> None:
    queue(services, 1)
    ran: list[dt.datetime] = []

    def broken(session: object, now: dt.datetime) -> None:
        raise RuntimeError("job bug")

    sender = RecordingSender("console")
    jobs = [broken, lambda session, now: ran.append(now)]
    dispatcher = Dispatcher(services.sessions, {"console": sender}, clock=clock, jobs=jobs)
    assert asyncio.run(dispatcher.run_once()) == 1
    assert ran == [START]
    assert [who for who, _ in sender.sent] == ["u0"]


class BrokenOnce(RecordingSender):
    """A sender whose rate limit cannot be read the first time (a bug outside `send`)."""

    def __init__(self) -> None:
        super().__init__("console")
        self.reads = 0

    @property  # type: ignore[override]
    def rate_per_second(self) -> float:
        self.reads += 1
        if self.reads == 1:
            raise RuntimeError("sender bug")
        return 1000.0

    @rate_per_second.setter
    def rate_per_second(self, value: float) -> None:
        pass


def test_the_dispatcher_loop_survives_a_pass_that_raises(
    services: Services, clock: FrozenClock
) -> None:
    queue(services, 1)
    sender = BrokenOnce()
    dispatcher = Dispatcher(services.sessions, {"console": sender}, clock=clock, lease=LEASE)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.create_task(dispatcher.run_forever(interval=0.01, stop=stop))
        while sender.reads == 0 and not loop.done():
            await asyncio.sleep(0.01)
        clock.advance(LEASE + dt.timedelta(seconds=1))  # the failed pass's lease runs out
        while not sender.sent and not loop.done():
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(loop, WAIT)  # re-raises if the loop died

    asyncio.run(asyncio.wait_for(main(), 3 * WAIT))
    assert sender.reads >= 2
    assert [who for who, _ in sender.sent] == ["u0"]
