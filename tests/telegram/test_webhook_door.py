"""The webhook door over real HTTP: malformed bodies are a 400 (never a 500), the door is
shut (503) until the workers run, NUL and lone surrogates never reach the database, and
unauthenticated requests are logged once a minute with a count."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.gateway.quiet import QuietWarning
from bot.models import InboxItem, MessageLog
from bot.runtime import Services
from handlers.server import create_app
from handlers.telegram.bot_app import telegram_channel
from tests.telegram import updates
from tests.telegram.conftest import WEBHOOK_SECRET, bot_settings, new_token
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.harness import BotUnderTest
from tests.telegram.test_server import serve

SECRET = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
person = updates.user(7_001)
MALFORMED: dict[str, bytes] = {
    "broken JSON": b'{"update_id": 1, "message": ',
    "a JSON array": b"[1, 2, 3]",
    "a JSON string": b'"hello"',
    "deeply nested": b'{"update_id": 1, "message": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001,
    "deep array": b"[" * 200_000 + b"]" * 200_000,
    "no update_id": b'{"message": {}}',
    "update_id as text": b'{"update_id": "12"}',
    "update_id true": b'{"update_id": true}',
    "message not an object": b'{"update_id": 12, "message": "hi"}',
    "from.id as text": json.dumps(
        {"update_id": 12, "message": {"from": {"id": "7001"}, "chat": {"id": 1}}}
    ).encode(),
    "chat as a list": json.dumps(
        {"update_id": 12, "message": {"from": {"id": 7001}, "chat": [1]}}
    ).encode(),
    "text as a number": json.dumps(
        {"update_id": 12, "message": {"from": {"id": 7001}, "chat": {"id": 1}, "text": 5}}
    ).encode(),
    "callback data as a list": json.dumps(
        {"update_id": 12, "callback_query": {"id": "1", "from": {"id": 7001}, "data": [1]}}
    ).encode(),
    "callback without from": json.dumps(
        {"update_id": 12, "callback_query": {"id": "1", "data": "menu"}}
    ).encode(),
    "not UTF-8": b'{"update_id": 12, "message": {"text": "\xff\xfe"}}',
}


@pytest.mark.parametrize("kind", MALFORMED)
async def test_a_malformed_body_with_the_right_secret_is_a_400(
    bot: BotUnderTest, kind: str
) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{bot.url}/telegram/webhook", content=MALFORMED[kind], headers=SECRET
        )
        health = await client.get(f"{bot.url}/healthz")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "bad update"}
    assert health.json()["inbox"]["backlog"] == 0  # nothing was stored
    await bot.citizen().says("/help")  # and the server still answers
    assert bot.transcript.lines[-1].startswith("bot: Cách dùng:")


async def test_a_mistyped_field_the_door_does_not_check_fails_its_row_not_the_server(
    bot: BotUnderTest,
) -> None:
    update = updates.message(person, text="/help")
    update["message"]["entities"] = "not a list"  # PTB cannot read it: the worker fails it
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{bot.url}/telegram/webhook", json=update, headers=SECRET)
    assert response.status_code == 200
    await bot.gateway.progress.wait_finished(1)
    bot.pushed += 1
    with bot.services.sessions() as session:
        assert session.scalars(select(InboxItem.state)).all() == ["failed"]
    await bot.citizen().says("/help")
    assert bot.transcript.lines[-1].startswith("bot: Cách dùng:")


async def test_nul_and_lone_surrogates_are_removed_before_the_database(
    bot: BotUnderTest,
) -> None:
    body = json.dumps(updates.message(person, text="thủ tục\u0000 khai sinh \ud800cần gì"))
    assert "\\u0000" in body
    assert "\\ud800" in body
    bot.fake.add_chat(bot.token, person["id"])  # posted here, not through the fake Telegram
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{bot.url}/telegram/webhook",
            content=body.encode(),
            headers={**SECRET, "Content-Type": "application/json"},
        )
    assert response.status_code == 200
    await bot.gateway.progress.wait_finished(1)
    with bot.services.sessions() as session:
        [logged] = session.scalars(select(MessageLog.text)).all()
    assert logged == "thủ tục khai sinh cần gì"
    [reply] = bot.calls("sendMessage")
    assert reply.ok


async def test_the_door_is_shut_until_the_workers_run(
    services: Services, fake_api: FakeBotApi
) -> None:
    token = new_token()
    settings = bot_settings(services.settings, fake_api, token, 1)
    gateway = Gateway(services, MemoryFloodGate(8, 10.0))
    channel = telegram_channel(settings, gateway)
    app = create_app(services, [channel])  # the front door's workers are not started
    update = updates.message(person, text="/help")
    async with serve(app) as url, httpx.AsyncClient() as client:
        shut = await client.post(f"{url}/telegram/webhook", json=update, headers=SECRET)
    assert shut.status_code == 503  # Telegram keeps the update and retries later
    assert shut.json() == {"ok": False, "error": "not ready"}


async def test_unauthenticated_requests_are_logged_once_a_minute_with_a_count(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    now = [1000.0]
    bot.channel.unauthenticated = QuietWarning(
        logging.getLogger("handlers.telegram.bot_app"),
        "webhook requests without the right secret token; refused",
        clock=lambda: now[0],
    )
    url = f"{bot.url}/telegram/webhook"
    caplog.set_level(logging.WARNING)

    async def probe(times: int) -> list[int]:
        async with httpx.AsyncClient() as client:
            headers = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            return [
                (await client.post(url, json={}, headers=headers)).status_code
                for _ in range(times)
            ]

    assert set(await probe(40)) == {403}
    now[0] += 30
    await probe(25)
    now[0] += 31  # a minute after the first line
    await probe(1)
    lines = [r.getMessage() for r in caplog.records if "secret token" in r.getMessage()]
    assert lines == [
        "webhook requests without the right secret token; refused (1 in the last 60 s)",
        "webhook requests without the right secret token; refused (65 in the last 60 s)",
    ]


def test_quiet_warning_counts_between_lines(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    quiet = QuietWarning(logging.getLogger("t"), "probe", interval=60.0, clock=lambda: now[0])
    caplog.set_level(logging.WARNING)
    written: list[Any] = []
    for step in range(180):
        now[0] = float(step)
        written.append(quiet.hit())
    assert written.count(True) == 3
    assert [r.getMessage() for r in caplog.records] == [
        "probe (1 in the last 60 s)",
        "probe (60 in the last 60 s)",
        "probe (60 in the last 60 s)",
    ]
