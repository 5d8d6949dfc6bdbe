"""The outbox lease is short and renewed while sending; a row's parts are never sent twice."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.dispatcher import LEASE, Dispatcher
from bot.messages import Reply
from bot.outbox import OutboxMessage, enqueue
from bot.runtime import Services
from tests.feedback.chat import RecordingSender
from tests.feedback.test_dispatcher import Clock


class Crash(BaseException):
    """The process dies (nothing in the dispatcher may catch this)."""


class CrashingSender(RecordingSender):
    """Delivers `survive` messages, then the process dies in the middle of the next send."""

    def __init__(self, survive: int) -> None:
        super().__init__("console")
        self.survive = survive

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        if len(self.sent) == self.survive:
            raise Crash
        await super().send(recipient, replies)


def parts(sender: RecordingSender) -> list[str]:
    return [r.text for _, replies in sender.sent for r in replies]


def queue_parts(services: Services, count: int) -> None:
    with services.sessions.begin() as session:
        enqueue(session, "console", "u1", [Reply(f"phần {n}") for n in range(1, count + 1)])


def row(services: Services) -> OutboxMessage:
    with services.sessions() as session:
        return session.scalars(select(OutboxMessage)).one()


def test_a_crash_between_parts_resumes_with_the_parts_not_yet_sent(services: Services) -> None:
    queue_parts(services, 4)
    clock = Clock()
    crashed = CrashingSender(survive=2)
    with pytest.raises(Crash):
        asyncio.run(Dispatcher(services.sessions, {"console": crashed}, clock=clock).run_once())
    assert parts(crashed) == ["phần 1", "phần 2"]
    assert (row(services).status, row(services).parts_sent) == ("pending", 2)

    clock.advance(seconds=LEASE.total_seconds() + 1)
    survivor = RecordingSender("console")
    resumed = Dispatcher(services.sessions, {"console": survivor}, clock=clock)
    assert asyncio.run(resumed.run_once()) == 1
    assert parts(survivor) == ["phần 3", "phần 4"]  # never "phần 1" or "phần 2" again
    assert (row(services).status, row(services).parts_sent) == ("sent", 4)


def test_a_dead_dispatchers_rows_are_taken_once_its_short_lease_ends(services: Services) -> None:
    queue_parts(services, 1)
    clock = Clock()
    assert len(Dispatcher(services.sessions, {}, clock=clock, batch=5).claim()) == 0  # no sender
    dead = Dispatcher(services.sessions, {"console": RecordingSender("console")}, clock=clock)
    assert len(dead.claim()) == 1  # ... and the process dies
    other = RecordingSender("console")
    survivor = Dispatcher(services.sessions, {"console": other}, clock=clock)
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert asyncio.run(survivor.run_once()) == 0  # still leased
    clock.advance(seconds=2)  # within seconds of the lease's end, not minutes
    assert asyncio.run(survivor.run_once()) == 1
    assert parts(other) == ["phần 1"]


class SlowSender(RecordingSender):
    """Each message takes 20 s; meanwhile another dispatcher tries to take the rows."""

    def __init__(self, clock: Clock, rival: Dispatcher) -> None:
        super().__init__("console")
        self.clock, self.rival = clock, rival
        self.rival_took: list[int] = []

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        self.clock.advance(seconds=20)
        self.rival_took += [c.id for c in self.rival.claim()]
        await super().send(recipient, replies)


def test_the_lease_is_renewed_while_a_long_row_is_being_sent(services: Services) -> None:
    queue_parts(services, 5)  # 100 s of sending under a 30 s lease
    clock = Clock()
    rival = Dispatcher(services.sessions, {"console": RecordingSender("console")}, clock=clock)
    slow = SlowSender(clock, rival)
    assert asyncio.run(Dispatcher(services.sessions, {"console": slow}, clock=clock).run_once())
    assert slow.rival_took == []
    assert parts(slow) == [f"phần {n}" for n in range(1, 6)]
    assert row(services).status == "sent"
