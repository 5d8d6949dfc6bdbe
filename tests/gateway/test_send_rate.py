"""Replies sent straight back to citizens book the platform's send rate that the outbox books
too: one bot token's limit is shared by every worker, dispatcher and the front door."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from bot.gateway.events import Arrival, Delivered, Event
from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.messages import Inbound, Reply
from bot.runtime import Services

NOW = 1_800_000_000.0  # a fixed wall clock: bookings are compared, not waited for


class Recording:
    """A platform that records what it was asked to send."""

    name = "test"

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def translate(self, payload: dict[str, Any]) -> Event | None:
        return Arrival(Inbound(self.name, payload["user"], text=payload["text"]))

    async def respond(
        self, arrival: Arrival, replies: list[Reply], notice: bool = False
    ) -> Delivered:
        self.sent.append((arrival.inbound.user_id, len(replies)))
        return Delivered.SENT


async def handle(gateway: Gateway, platform: Recording, messages: int) -> None:
    for n in range(messages):
        await gateway.receive(platform.name, str(n), f"u{n}", {"user": f"u{n}", "text": "hi"})
    worker = asyncio.create_task(gateway.run_forever())
    try:
        async with asyncio.timeout(30):
            while len(platform.sent) < messages:
                await asyncio.sleep(0.02)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        gateway.stop()


def next_free(services: Services, rate: float) -> float:
    """How long the outbox would now wait for its next send on the same bot."""
    return services.shared.rate.reserve("send:test", rate, NOW)


@pytest.mark.asyncio
async def test_front_door_replies_book_the_shared_send_rate(services: Services) -> None:
    platform = Recording()
    gateway = Gateway(services, MemoryFloodGate(50, 10.0))
    gateway.register(platform)
    gateway.limit("test", 40.0)
    gateway.wall = lambda: NOW
    await handle(gateway, platform, 4)
    replies = sum(count for _user, count in platform.sent)
    assert replies >= 4
    # Every reply took a slot 1/40 s wide: the outbox's next send waits behind all of them.
    assert next_free(services, 40.0) == pytest.approx(replies / 40.0, abs=1e-6)


@pytest.mark.asyncio
async def test_a_channel_without_a_limit_books_nothing(services: Services) -> None:
    platform = Recording()
    gateway = Gateway(services, MemoryFloodGate(50, 10.0))
    gateway.register(platform)
    gateway.wall = lambda: NOW
    await handle(gateway, platform, 2)
    assert next_free(services, 40.0) == 0.0


def test_the_telegram_send_rate_is_a_setting() -> None:
    from bot.config import Settings
    from handlers.telegram.bot_app import TelegramConfig

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, telegram_bot_token="1:x", telegram_send_rate=12.5
    )
    config = TelegramConfig.from_settings(settings)
    assert config is not None
    assert config.send_rate == 12.5
    default = TelegramConfig.from_settings(
        Settings(_env_file=None, telegram_bot_token="1:x")  # type: ignore[call-arg]
    )
    assert default is not None
    assert default.send_rate == 25.0


@pytest.mark.asyncio
async def test_a_fast_platform_books_its_slots_in_blocks(services: Services) -> None:
    from bot.gateway.slots import BLOCK_SECONDS

    platform = Recording()
    gateway = Gateway(services, MemoryFloodGate(50, 10.0))
    gateway.register(platform)
    gateway.limit("test", 1000.0)
    gateway.wall = lambda: NOW
    await handle(gateway, platform, 3)
    replies = sum(count for _user, count in platform.sent)
    block = int(1000.0 * BLOCK_SECONDS)
    assert replies <= block
    # One booking of a whole block: the outbox waits behind all of it, used or not.
    assert next_free(services, 1000.0) == pytest.approx(block / 1000.0, abs=1e-6)


def test_workers_booking_blocks_never_send_closer_than_the_rate() -> None:
    from bot.gateway.slots import BlockedRate
    from bot.shared.memory import MemoryRate

    shared = MemoryRate()
    workers = [BlockedRate(shared), BlockedRate(shared)]
    rate, starts = 500.0, []
    now = NOW
    for n in range(200):
        count = 1 + n % 3
        wait = workers[n % 2].reserve("send:test", rate, count, now)
        starts += [now + wait + k / rate for k in range(count)]
        now += 0.0007 * (n % 5)  # time moves on unevenly; some blocks run out unused
    starts.sort()
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / rate - 1e-6  # float resolution near 1.8e9 s
