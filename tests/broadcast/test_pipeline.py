"""The dispatcher's pipeline: send slots booked in blocks, pacing by when requests really go,
one request on the wire at slow rates, rows marked sent together, the next claim made while
the current one is still being sent, the urgent lane ahead of queued announcement rows."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.dispatcher import Dispatcher
from bot.messages import Reply
from bot.outbox import BULK, URGENT, enqueue
from bot.outbox_marks import SentMarks
from bot.outbox_rows import Claimed
from bot.runtime import Services
from bot.shared.booking import SlotBook
from bot.shared.memory import MemoryRate
from tests.feedback.chat import RecordingSender


class Wall:
    """A wall clock that moves only when someone sleeps (or `stall` is called)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


class NeverWaits:
    """A shared rate that always says "go now": only the dispatcher's own pacing is left."""

    def reserve(self, key: str, rate: float, now: float) -> float:
        return 0.0


def _queue(services: Services, count: int, priority: int = URGENT, prefix: str = "u") -> None:
    with services.sessions.begin() as session:
        for n in range(count):
            enqueue(session, "console", f"{prefix}{n}", [Reply(f"tin {n}")], priority=priority)


def _busiest(times: list[float], span: float = 1.0) -> int:
    times, best, first = sorted(times), 0, 0
    for last, at in enumerate(times):
        while times[first] <= at - span + 1e-9:
            first += 1
        best = max(best, last - first + 1)
    return best


def test_slot_blocks_hand_out_booked_slots_without_exceeding_the_rate() -> None:
    store = MemoryRate()
    book = SlotBook(store, block_seconds=0.05)
    assert book.size(1000) == 50
    assert book.size(29) == 1
    now, starts = 100.0, []
    for _ in range(500):
        wait = book.take("k", 1000, now)
        if wait is None:
            wait = book.book("k", 1000, now)
        starts.append(now + wait)
    assert _busiest(starts, 0.1) <= 100  # 1,000 a second, however they were booked
    # Another process booking the same key gets slots after every block booked here.
    other = SlotBook(store, block_seconds=0.05)
    assert now + other.book("k", 1000, now) >= max(starts) + 0.001 - 1e-9


def test_a_stall_does_not_put_more_than_the_rate_into_one_second(services: Services) -> None:
    """Rows whose booked slots have all gone by (here: a shared rate that never says wait)
    are still paced by when they really go: at most `rate` requests in any second."""
    _queue(services, 40)
    wall = Wall()
    sender = RecordingSender("console", rate_per_second=10.0)
    at: list[float] = []
    original = sender.send

    async def send(recipient: str, replies: list[Reply]) -> None:
        at.append(wall())
        await original(recipient, replies)

    sender.send = send  # type: ignore[method-assign]
    dispatcher = Dispatcher(
        services.sessions,
        {"console": sender},
        rate=NeverWaits(),
        wall=wall,
        sleep=wall.sleep,
        concurrency=4,
        batch=40,
    )
    assert asyncio.run(dispatcher.run_once()) == 40
    assert _busiest(at) <= 10
    assert at[-1] - at[0] >= 3.0  # 40 at 10 a second, nothing caught up by bursting


def test_at_a_slow_rate_one_request_is_on_the_wire_at_a_time(services: Services) -> None:
    _queue(services, 12)
    sender = RecordingSender("console", rate_per_second=50.0)
    busy, most = [0], [0]

    async def slow(recipient: str, replies: list[Reply]) -> None:
        busy[0] += 1
        most[0] = max(most[0], busy[0])
        await asyncio.sleep(0.03)  # a round trip longer than a slot (20 ms)
        busy[0] -= 1

    sender.send = slow  # type: ignore[method-assign]
    dispatcher = Dispatcher(services.sessions, {"console": sender}, concurrency=4)
    assert asyncio.run(dispatcher.run_once()) == 12
    assert most[0] == 1
    fast = RecordingSender("console", rate_per_second=5000.0)  # a fast platform: overlapped
    _queue(services, 12, prefix="v")
    fast.send = slow  # type: ignore[method-assign]
    most[0] = 0
    dispatcher = Dispatcher(services.sessions, {"console": fast}, concurrency=4)
    assert asyncio.run(dispatcher.run_once()) == 12
    assert most[0] == 4


async def _run_until_sent(dispatcher: Dispatcher, sender: RecordingSender, count: int) -> None:
    """`run_forever` until `count` rows were sent (or 10 s), then stopped."""
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run_forever(interval=0.05, stop=stop))
    for _ in range(200):
        if len(sender.sent) == count:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await running


def _claimed(n: int) -> Claimed:
    return Claimed(n, "console", f"u{n}", [Reply("x")], 0, dt.datetime.now(dt.UTC), "t")


def test_rows_finishing_during_a_commit_share_the_next_one() -> None:
    commits: list[list[int]] = []

    async def commit(rows: object, ids: dict[int, str]) -> None:
        commits.append([row.id for row in rows])  # type: ignore[attr-defined]
        await asyncio.sleep(0.02)

    async def main() -> None:
        marks = SentMarks(commit)
        first = asyncio.create_task(marks.done(_claimed(1), None))
        await asyncio.sleep(0.005)  # the first commit is running now
        rest = [asyncio.create_task(marks.done(_claimed(n), str(n))) for n in range(2, 7)]
        await asyncio.gather(first, *rest)

    asyncio.run(main())
    assert commits == [[1], [2, 3, 4, 5, 6]]


def test_done_returns_only_once_the_commit_is_over_and_reports_its_failure() -> None:
    committed: list[int] = []

    async def failing(rows: object, ids: dict[int, str]) -> None:
        await asyncio.sleep(0.01)
        raise RuntimeError("database went away")

    async def slow(rows: object, ids: dict[int, str]) -> None:
        await asyncio.sleep(0.01)
        committed.extend(row.id for row in rows)  # type: ignore[attr-defined]

    async def main() -> None:
        with pytest.raises(RuntimeError):
            await SentMarks(failing).done(_claimed(1), None)
        await SentMarks(slow).done(_claimed(2), None)
        assert committed == [2]  # done returned after the commit, not before

    asyncio.run(main())


def test_the_next_claim_is_made_while_the_current_one_is_still_being_sent(
    services: Services,
) -> None:
    _queue(services, 12)
    sender = RecordingSender("console", rate_per_second=0)
    claims_at_send: list[int] = []
    dispatcher = Dispatcher(services.sessions, {"console": sender}, batch=4, concurrency=1)
    claims = [0]
    claim = dispatcher.claim

    def counting() -> list[Claimed]:
        found = claim()
        claims[0] += 1 if found else 0
        return found

    dispatcher.claim = counting  # type: ignore[method-assign]
    original = sender.send

    async def send(recipient: str, replies: list[Reply]) -> None:
        claims_at_send.append(claims[0])
        await asyncio.sleep(0.05)  # long enough for a claim to run beside it
        await original(recipient, replies)

    sender.send = send  # type: ignore[method-assign]

    asyncio.run(_run_until_sent(dispatcher, sender, 12))
    assert len(sender.sent) == 12
    # The first claim's last row went after the second claim was made (half a batch left).
    assert claims_at_send[3] == 2


def test_an_urgent_row_claimed_later_goes_before_queued_announcement_rows(
    services: Services,
) -> None:
    _queue(services, 8, priority=BULK, prefix="sub")
    sender = RecordingSender("console", rate_per_second=0)
    dispatcher = Dispatcher(services.sessions, {"console": sender}, batch=8, concurrency=1)
    original = sender.send
    queued = [False]

    async def send(recipient: str, replies: list[Reply]) -> None:
        if not queued[0]:  # while the first announcement row is being sent: a ticket answer
            queued[0] = True
            await asyncio.to_thread(_queue, services, 1, URGENT, "citizen")
        await asyncio.sleep(0.02)
        await original(recipient, replies)

    sender.send = send  # type: ignore[method-assign]

    asyncio.run(_run_until_sent(dispatcher, sender, 9))
    order = [who for who, _ in sender.sent]
    assert sorted(order) == sorted([f"sub{n}" for n in range(8)] + ["citizen0"])
    # Claimed when half the batch was left, it jumped the announcement rows still queued.
    assert order.index("citizen0") <= 6


def test_marking_sent_together_touches_only_rows_still_ours(services: Services) -> None:
    """One statement for many rows: each row by its own (id, claim token), with its own
    message id; a row another claim took meanwhile is left as it is, and not counted."""
    from sqlalchemy import select, update

    from bot import outbox_rows
    from bot.outbox import OutboxMessage

    _queue(services, 3)
    dispatcher = Dispatcher(services.sessions, {"console": RecordingSender("console")})
    first, second, third = dispatcher.claim()
    with services.sessions.begin() as session:  # the third was reclaimed by someone else
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == third.id).values(claim_token="other")
        )
    now = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    ids = {first.id: "501", third.id: "503"}
    marked = outbox_rows.mark_all_sent(services.sessions, [first, second, third], now, ids)
    assert marked == 2
    with services.sessions() as session:
        found = {
            r.id: (r.status, r.platform_message_id, r.attempts)
            for r in session.scalars(select(OutboxMessage))
        }
    assert found == {
        first.id: ("sent", "501", 1),
        second.id: ("sent", None, 1),
        third.id: ("pending", None, 0),
    }
