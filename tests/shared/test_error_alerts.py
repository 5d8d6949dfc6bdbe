"""Staff alerts about errors: two workers sharing one limit send at most that many in total,
and the next alert says how many were held back (over the fake Bot API on loopback)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from telegram import Bot

from bot.config import Settings
from bot.runtime import build_matcher
from bot.shared.backends import SharedState
from bot.shared.protocols import Window
from handlers.telegram.errors import ErrorReporter
from tests.telegram.fake_bot_api import FakeBotApi

STAFF_CHAT = -100_777
T0 = 1_800_000_000.0


@dataclass
class Context:
    """What PTB hands an error handler: the error and the bot."""

    error: Exception
    bot: Bot


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def staff_alerts(fake: FakeBotApi, token: str) -> list[str]:
    return [
        str(c.params["text"])
        for c in fake.calls(token, "sendMessage")
        if int(c.params["chat_id"]) == STAFF_CHAT
    ]


def test_two_workers_send_at_most_the_shared_number_of_alerts(
    pair: tuple[SharedState, SharedState], fake_api: FakeBotApi
) -> None:
    kb = build_matcher(Settings(_env_file=None)).kb  # type: ignore[call-arg]
    token = f"{uuid.uuid4().int % 10**9 + 10**9}:AAalerts{uuid.uuid4().hex}"
    now = [T0]
    window = Window(2, 60.0)
    reporters = [
        ErrorReporter(kb, STAFF_CHAT, (token,), lambda: now[0], state.alerts, window)
        for state in pair
    ]

    async def errors(count: int) -> None:
        async with Bot(token, base_url=fake_api.base_url) as bot:
            context: Any = Context(RuntimeError("database down"), bot)
            await asyncio.gather(*(reporters[n % 2](None, context) for n in range(count)))

    asyncio.run(errors(20))
    assert len(staff_alerts(fake_api, token)) == 2  # not 20, not 2 per worker
    now[0] += 60.0
    asyncio.run(errors(1))
    alerts = staff_alerts(fake_api, token)
    assert len(alerts) == 3
    assert alerts[-1].endswith("(+18 lỗi khác từ lần báo trước)")
    assert token not in "".join(alerts)
