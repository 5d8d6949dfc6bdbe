"""The outbox dispatcher: crash-safety, retries, blocking, ordering and throttling."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from bot.delivery import DeliveryError
from bot.dispatcher import Dispatcher
from bot.messages import Button, Reply
from bot.models import Contact, utcnow
from bot.outbox import OutboxMessage, enqueue, load_replies
from bot.runtime import Services
from tests.feedback.chat import RecordingSender


class Clock:
    """Time that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def queue(services: Services, *items: tuple[str, str], channel: str = "console") -> None:
    with services.sessions.begin() as session:
        for recipient, text in items:
            enqueue(session, channel, recipient, [Reply(text)])


def rows(services: Services) -> list[OutboxMessage]:
    with services.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def texts(sender: RecordingSender) -> list[tuple[str, str]]:
    return [(who, r.text) for who, replies in sender.sent for r in replies]


def test_replies_survive_the_round_trip_through_the_outbox(services: Services) -> None:
    reply = Reply("Chọn", ((Button("1 ⭐", "sat:1:1"), Button("2 ⭐", "sat:1:2")),), {"a": "b"})
    with services.sessions.begin() as session:
        assert enqueue(session, "console", "u1", [reply], key="k1")
        assert not enqueue(session, "console", "u1", [reply], key="k1")  # idempotent
    [row] = rows(services)
    [back] = load_replies(row.payload)
    assert (back.text, back.buttons) == (reply.text, reply.buttons)
    assert back.meta == {"a": "b", "outbox_key": "k1:0"}


def test_dispatcher_killed_between_claim_and_send_sends_each_row_exactly_once(
    services: Services,
) -> None:
    queue(services, ("u1", "một"), ("u2", "hai"), ("u3", "ba"))
    clock = Clock()
    sender = RecordingSender("console")
    crashed = Dispatcher(services.sessions, {"console": sender}, clock=clock)
    assert len(crashed.claim()) == 3  # leased and committed ... then the process dies
    del crashed

    survivor = Dispatcher(services.sessions, {"console": sender}, clock=clock)
    assert asyncio.run(survivor.run_once()) == 0  # the lease still holds: nothing is taken
    clock.advance(minutes=5, seconds=1)
    assert asyncio.run(survivor.run_once()) == 3
    assert asyncio.run(survivor.run_once()) == 0
    assert sorted(texts(sender)) == [("u1", "một"), ("u2", "hai"), ("u3", "ba")]
    assert [r.status for r in rows(services)] == ["sent"] * 3
    assert [r.attempts for r in rows(services)] == [1, 1, 1]


def test_two_dispatchers_never_take_the_same_row(services: Services) -> None:
    queue(services, *((f"u{n}", f"tin {n}") for n in range(20)))
    first = Dispatcher(services.sessions, {"console": RecordingSender("console")}, batch=12)
    second = Dispatcher(services.sessions, {"console": RecordingSender("console")}, batch=12)
    taken_first = {c.id for c in first.claim()}
    taken_second = {c.id for c in second.claim()}
    assert len(taken_first) == 12
    assert len(taken_second) == 8
    assert not taken_first & taken_second


def test_retry_after_waits_then_delivers(services: Services) -> None:
    queue(services, ("u1", "một"), ("u2", "hai"))
    clock = Clock()
    sender = RecordingSender("console")
    sender.failures.append(DeliveryError("429", retry_after=30))
    dispatcher = Dispatcher(services.sessions, {"console": sender}, clock=clock)
    assert asyncio.run(dispatcher.run_once()) == 0  # the channel pauses after the 429
    clock.advance(seconds=29)
    assert asyncio.run(dispatcher.run_once()) == 0
    clock.advance(seconds=2)
    assert asyncio.run(dispatcher.run_once()) == 2
    assert texts(sender) == [("u1", "một"), ("u2", "hai")]
    assert rows(services)[0].last_error is None


def test_permanent_failure_blocks_the_row_and_the_contact(services: Services) -> None:
    with services.sessions.begin() as session:
        session.add(Contact(channel="console", external_id="gone"))
    queue(services, ("gone", "một"), ("ok", "hai"))
    sender = RecordingSender("console")
    sender.failures.append(DeliveryError("403 Forbidden: bot was blocked", permanent=True))
    asyncio.run(Dispatcher(services.sessions, {"console": sender}).run_once())
    blocked, sent = rows(services)
    assert (blocked.status, sent.status) == ("blocked", "sent")
    assert "403" in (blocked.last_error or "")
    with services.sessions() as session:
        assert session.scalars(select(Contact)).one().blocked


def test_other_errors_back_off_and_give_up_after_the_last_attempt(services: Services) -> None:
    queue(services, ("u1", "một"))
    clock = Clock()
    sender = RecordingSender("console")
    sender.failures += [DeliveryError("timeout"), RuntimeError("sender bug"), DeliveryError("x")]
    dispatcher = Dispatcher(services.sessions, {"console": sender}, clock=clock, max_attempts=3)
    waits = []
    for _ in range(3):
        asyncio.run(dispatcher.run_once())
        row = rows(services)[0]
        waits.append((row.next_attempt_at - clock.now).total_seconds())
        clock.advance(hours=2)
    row = rows(services)[0]
    assert (row.status, row.attempts) == ("failed", 3)
    assert waits[:2] == [10.0, 20.0]  # exponential backoff
    assert row.last_error == "x"  # the last failure is the one kept
    assert sender.sent == []


def test_a_recipient_gets_messages_in_order_even_across_a_retry(services: Services) -> None:
    queue(services, ("u1", "đang xử lý"), ("u1", "đã trả lời"), ("u2", "khác"))
    clock = Clock()
    sender = RecordingSender("console")
    sender.failures.append(DeliveryError("timeout"))
    dispatcher = Dispatcher(services.sessions, {"console": sender}, clock=clock)
    asyncio.run(dispatcher.run_once())
    assert texts(sender) == [("u2", "khác")]  # u1's second message waits for its first
    clock.advance(minutes=1)
    asyncio.run(dispatcher.run_once())
    asyncio.run(dispatcher.run_once())
    assert [t for t in texts(sender) if t[0] == "u1"] == [
        ("u1", "đang xử lý"),
        ("u1", "đã trả lời"),
    ]


def test_sending_is_throttled_per_channel_and_unknown_channels_wait(services: Services) -> None:
    queue(services, *((f"u{n}", "tin") for n in range(6)))
    queue(services, ("123", "cho Telegram"), channel="telegram")
    slow = RecordingSender("console", rate_per_second=20)
    wall, slept = [1_000_000.0], []

    async def sleep(seconds: float) -> None:  # time passes only when the dispatcher waits
        slept.append(seconds)
        wall[0] += seconds

    dispatcher = Dispatcher(
        services.sessions, {"console": slow}, wall=lambda: wall[0], sleep=sleep
    )
    assert asyncio.run(dispatcher.run_once()) == 6
    assert slept == pytest.approx([1 / 20] * 5)  # five gaps of 1/20 s, none before the first
    assert [r.status for r in rows(services)][-1] == "pending"  # no Telegram sender here
