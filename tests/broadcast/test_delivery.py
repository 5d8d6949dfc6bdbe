"""Delivery of announcements through the outbox: batches, priority lane, per-chat pace,
cancelling, and resuming after a crash with exact accounting (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from bot.broadcast import announcements
from bot.broadcast.expander import Expander
from bot.broadcast.models import DONE, Announcement
from bot.broadcast.progress import progress
from bot.delivery import DeliveryError
from bot.dispatcher import Dispatcher
from bot.messages import Reply
from bot.models import Contact, utcnow
from bot.outbox import BLOCKED, BULK, OutboxMessage, enqueue
from bot.runtime import Services
from bot.shared.memory import MemoryRate
from tests.broadcast.helpers import add_staff, add_subscribers, announcement, start_announcement
from tests.feedback.chat import RecordingSender


class Crash(BaseException):
    """The process dies (nothing after this line runs, nothing is recorded)."""


class Clock:
    """Time that moves only when told to."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def _rows(services: Services, announcement_id: int) -> Counter[str]:
    with services.sessions() as session:
        found = session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.announcement_id == announcement_id)
            .group_by(OutboxMessage.status)
        ).all()
    return Counter(dict(found))


def _drain(dispatcher: Dispatcher, clock: Clock, passes: int = 500) -> None:
    for _ in range(passes):
        asyncio.run(dispatcher.run_once())
        clock.advance(1.1)  # every chat rested, every backoff a little nearer


def test_expander_adds_rows_in_batches_within_a_window_and_finishes(services: Services) -> None:
    add_staff(services)
    add_subscribers(services, 120)
    announcement_id = start_announcement(services, link="https://hoaan.example.gov.vn/tin/1")
    expander = Expander(batch=50, window=60)
    with services.sessions.begin() as session:
        assert expander(session, utcnow()) == 50
    with services.sessions.begin() as session:
        assert expander(session, utcnow()) == 50  # 50 pending < 60: one more batch
    with services.sessions.begin() as session:
        assert expander(session, utcnow()) == 0  # 100 pending: the window is full
    item = announcement(services, announcement_id)
    assert (item.cursor > 0, item.enqueued, item.audience_size) == (True, 100, 120)
    with services.sessions() as session:
        row = session.scalars(select(OutboxMessage).limit(1)).one()
        assert row.priority == BULK
        [payload] = row.payload
        assert "hoaan.example.gov.vn/tin/1" in payload["text"]
        assert payload["buttons"] == [[["🔕 Ngừng nhận tin", f"bcu:{announcement_id}"]]]


def test_a_lost_cursor_move_never_sends_twice(services: Services) -> None:
    """The idempotency key `ann:<id>:<contact>` makes a repeated batch harmless."""
    add_staff(services)
    add_subscribers(services, 30)
    announcement_id = start_announcement(services)
    expander = Expander(batch=20, window=1000)
    with services.sessions.begin() as session:
        expander(session, utcnow())
    with services.sessions.begin() as session:  # as if the cursor move had been lost
        item = announcements.by_id(session, announcement_id)
        item.cursor, item.enqueued = 0, 0
    for _ in range(4):
        with services.sessions.begin() as session:
            expander(session, utcnow())
    with services.sessions() as session:
        keys = session.scalars(select(OutboxMessage.idempotency_key)).all()
    assert len(keys) == len(set(keys)) == 30


@pytest.mark.parametrize("in_flight", [1, 4])
def test_every_subscriber_once_blocked_counted_after_a_crash_mid_send(
    services: Services, in_flight: int
) -> None:
    """Exact accounting: the crashed dispatcher's messages in flight (sent, not yet recorded:
    at most `concurrency` of them) are the only repeats."""
    add_staff(services)
    ids = add_subscribers(services, 200)
    announcement_id = start_announcement(services)
    clock = Clock()
    blocked = {"7", "77", "177"}
    delivered: list[str] = []
    transient_left = {"5": 2, "50": 1}  # fail twice / once with a 5xx, then go through

    class Platform(RecordingSender):
        crash_after: int | None = None

        async def send(self, recipient: str, replies: list[Reply]) -> None:
            if recipient in blocked:
                raise DeliveryError("Forbidden: bot was blocked by the user", permanent=True)
            if recipient == "900":  # the final summary to the staff member
                return
            if transient_left.get(recipient):
                transient_left[recipient] -= 1
                raise DeliveryError("Bad Gateway")
            delivered.append(recipient)  # the platform has it now
            if self.crash_after is not None and len(delivered) >= self.crash_after:
                raise Crash  # ... and the process dies before recording it

    def dispatcher(sender: Platform) -> Dispatcher:
        return Dispatcher(
            services.sessions,
            {"console": sender},
            clock=clock,
            jobs=[Expander(batch=40, window=80)],
            backoff=dt.timedelta(seconds=1),
            concurrency=in_flight,
        )

    first = Platform("console")
    first.crash_after = 90
    doomed = dispatcher(first)
    with contextlib.suppress(Crash):
        _drain(doomed, clock)
    assert 80 <= len(delivered) <= 100
    clock.advance(60)  # the dead dispatcher's lease (30 s) runs out
    _drain(dispatcher(Platform("console")), clock)

    counts = Counter(delivered)
    assert set(counts) == set(ids) - blocked  # nobody skipped
    repeats = [who for who, n in counts.items() if n > 1]
    # The messages in flight when the process died, each once more; with one row in flight,
    # exactly one (the platform accepted it, the process died before recording it).
    assert 1 <= len(repeats) <= in_flight
    assert len(repeats) == 1 or in_flight > 1
    assert all(counts[who] == 2 for who in repeats)
    assert _rows(services, announcement_id) == Counter({"sent": 197, BLOCKED: 3})
    item = announcement(services, announcement_id)
    assert item.status == DONE
    with services.sessions() as session:
        figures = progress(session, item, clock())
        blocked_now = session.scalar(select(func.count()).where(Contact.blocked.is_(True)))
    assert (figures.sent, figures.blocked, figures.failed, figures.pending) == (197, 3, 0, 0)
    assert blocked_now == 3  # they no longer count as subscribers


def test_cancel_stops_the_rest(services: Services) -> None:
    add_staff(services)
    add_subscribers(services, 50)
    announcement_id = start_announcement(services)
    sender = RecordingSender("console")
    clock = Clock()
    dispatcher = Dispatcher(
        services.sessions, {"console": sender}, clock=clock, batch=10, jobs=[Expander(batch=20)]
    )
    asyncio.run(dispatcher.run_once())
    with services.sessions.begin() as session:
        staff = announcements.staff_for(session, "console", "900")
        item = announcements.by_id(session, announcement_id)
        dropped = announcements.cancel(session, staff, item, clock())
    assert dropped == 10  # 20 queued, 10 sent
    _drain(dispatcher, clock, passes=10)
    assert len(sender.sent) == 10
    assert announcement(services, announcement_id).status == "cancelled"


def test_an_announcement_row_waits_a_second_after_its_chat_got_a_message(
    services: Services,
) -> None:
    with services.sessions.begin() as session:
        enqueue(session, "console", "c1", [Reply("tin")], priority=BULK)
        enqueue(session, "console", "c1", [Reply("trả lời phản ánh")])  # the priority lane
    sender = RecordingSender("console")
    clock = Clock()
    dispatcher = Dispatcher(services.sessions, {"console": sender}, clock=clock)
    asyncio.run(dispatcher.run_once())
    asyncio.run(dispatcher.run_once())
    assert [r.text for _, replies in sender.sent for r in replies] == ["trả lời phản ánh"]
    clock.advance(1.1)
    asyncio.run(dispatcher.run_once())
    assert [r.text for _, replies in sender.sent for r in replies][-1] == "tin"


async def test_a_ticket_answer_behind_10000_announcement_rows_leaves_in_seconds(
    services: Services,
) -> None:
    add_staff(services)
    add_subscribers(services, 10_000)
    start_announcement(services)
    expander = Expander(batch=10_000, window=10_001)
    with services.sessions.begin() as session:
        assert expander(session, utcnow()) == 10_000
    sender = RecordingSender("console", rate_per_second=25.0)  # Telegram's pace
    dispatcher = Dispatcher(services.sessions, {"console": sender}, rate=MemoryRate())
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run_forever(interval=0.05, stop=stop))
    await asyncio.sleep(1.5)
    assert len(sender.sent) > 10  # the announcement is going out
    with services.sessions.begin() as session:
        enqueue(session, "console", "citizen-7", [Reply("Phản ánh PA-2026-000007 đã có trả lời")])
    queued = time.monotonic()
    while not sender.to("citizen-7") and time.monotonic() - queued < 10:
        await asyncio.sleep(0.02)
    waited = time.monotonic() - queued
    stop.set()
    await running
    assert sender.to("citizen-7"), "the ticket answer is still waiting behind the announcement"
    assert waited < 4.0


def test_a_second_worker_skips_an_announcement_another_is_expanding(services: Services) -> None:
    """PostgreSQL: the expander takes the announcement FOR UPDATE SKIP LOCKED, so a second
    worker's pass goes on at once (adding nothing) instead of waiting or doubling the batch."""
    if services.engine.dialect.name != "postgresql":
        pytest.skip("row locking is PostgreSQL's; SQLite serialises writers")
    add_staff(services)
    add_subscribers(services, 40)
    announcement_id = start_announcement(services)
    added: list[int] = []
    with services.sessions.begin() as holder:
        holder.execute(
            select(Announcement).where(Announcement.id == announcement_id).with_for_update()
        )

        def other_worker() -> None:
            with services.sessions.begin() as session:
                added.append(Expander(batch=20)(session, utcnow()))

        thread = threading.Thread(target=other_worker, daemon=True)
        thread.start()
        thread.join(timeout=5)
        blocked = thread.is_alive()
    thread.join(timeout=10)
    assert not blocked, "the second worker waited for the first one's lock"
    assert added == [0]


def test_rows_in_flight_together_still_reach_everyone_once_through_a_429(
    services: Services,
) -> None:
    add_staff(services)
    ids = add_subscribers(services, 100)
    announcement_id = start_announcement(services)
    sender = RecordingSender("console")
    sender.failures = [DeliveryError("Too Many Requests", retry_after=1.0)]
    clock = Clock()
    dispatcher = Dispatcher(
        services.sessions,
        {"console": sender},
        clock=clock,
        jobs=[Expander(batch=30, window=60)],
        concurrency=4,
    )
    _drain(dispatcher, clock, passes=30)
    got = Counter(who for who, _ in sender.sent if who != "900")  # 900: the staff's summary
    assert got == Counter(ids)  # each exactly once
    assert announcement(services, announcement_id).status == DONE
