"""Fixtures: one fake Bot API server per session, a bot served by uvicorn per test."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr

from bot.config import Settings
from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.runtime import Services, build
from handlers.server import create_app
from handlers.telegram.bot_app import WEBHOOK_PATH, TelegramChannel, telegram_channel
from knowledge.loader import load
from knowledge.matcher import Matcher
from tests.telegram.fake_bot_api import FakeBotApi, loopback_socket
from tests.telegram.harness import BotUnderTest

STAFF_CHAT_ID = -100_999
WEBHOOK_SECRET = "test-webhook-secret_42"
KB_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "data"


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def new_token() -> str:
    return f"{uuid.uuid4().int % 10**9 + 10**9}:AAtest{uuid.uuid4().hex}"


def bot_settings(
    base: Settings, fake: FakeBotApi, token: str, port: int, **changes: Any
) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": SecretStr(token),
        "telegram_api_base_url": fake.base_url,
        "telegram_webhook_url": f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        "telegram_webhook_secret": SecretStr(WEBHOOK_SECRET),
        "staff_chat_id": STAFF_CHAT_ID,
        "flood_messages": 30,
        "flood_seconds": 10.0,
    }
    values.update(changes)
    return base.model_copy(update=values)


@asynccontextmanager
async def serve_bot(
    services: Services, fake: FakeBotApi, polling: bool = False, **changes: Any
) -> AsyncIterator[BotUnderTest]:
    """The whole server (create_app + uvicorn) on a loopback port, talking to the fake."""
    sock = loopback_socket()
    port = sock.getsockname()[1]
    token = new_token()
    settings = bot_settings(services.settings, fake, token, port, **changes)
    if settings.staff_chat_id is not None:
        fake.add_chat(token, settings.staff_chat_id)  # the bot was added to the staff group
    services = dataclasses.replace(services, settings=settings)
    gateway = Gateway(services, MemoryFloodGate(settings.flood_messages, settings.flood_seconds))
    channel = telegram_channel(settings, gateway, polling)
    assert isinstance(channel, TelegramChannel)
    app = create_app(services, [channel], gateway)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(1000):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        assert server.started, "the bot server did not start"
        assert channel.running, channel.problem
        while not gateway.running:
            await asyncio.sleep(0.01)
        yield BotUnderTest(fake, token, channel, gateway, services, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
async def bot(services: Services, fake_api: FakeBotApi) -> AsyncIterator[BotUnderTest]:
    """The bot in webhook mode: the fake POSTs updates to it with the secret header."""
    async with serve_bot(services, fake_api) as running:
        yield running


@pytest.fixture
async def polling_bot(services: Services, fake_api: FakeBotApi) -> AsyncIterator[BotUnderTest]:
    """The bot in polling mode: it fetches updates from the fake's getUpdates."""
    async with serve_bot(services, fake_api, polling=True) as running:
        yield running


LONG_TOPIC = """\
group: kiem_thu
title: {vi: "Kiểm thử", en: "Testing"}
order: 99
menu: false
entries:
  - id: bai_dai
    category: info
    title: {vi: "Bài hướng dẫn rất dài <b>kiểm thử</b> & ký tự đặc biệt", en: "A very long guide"}
    questions:
      vi:
%(vi)s
      en:
        - "zebra quokka manual please"
        - "zebra quokka long guide"
        - "show me the zebra quokka text"
    answer:
      vi: |
%(answer)s
      en: |
        Short English text.
    source:
      name: "Dữ liệu kiểm thử"
    checked: 2026-11-21
"""


@pytest.fixture(scope="session")
def long_matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """The bundled KB plus one entry whose answer is > 4096 characters, with < and & in it."""
    directory = tmp_path_factory.mktemp("kb") / "data"
    shutil.copytree(KB_DIR, directory)
    questions = [f"ngựa vằn quokka hướng dẫn số {n}" for n in range(12)]
    paragraph = "Đoạn {n}: điều kiện a < b & c > d, " + "nội dung hướng dẫn chi tiết " * 12
    answer = "\n\n".join(paragraph.format(n=n) for n in range(1, 31))
    text = LONG_TOPIC % {
        "vi": "\n".join(f'        - "{q}"' for q in questions),
        "answer": "\n".join(f"        {line}" for line in answer.splitlines()),
    }
    (directory / "topics" / "zz_kiem_thu.yaml").write_text(text, encoding="utf-8")
    return Matcher(load(directory), Settings(_env_file=None).thresholds())  # type: ignore[call-arg]


@pytest.fixture
def long_services(settings: Settings, long_matcher: Matcher) -> Iterator[Services]:
    built = build(settings, long_matcher)
    yield built
    built.engine.dispose()
