"""The server around the bot: webhook security, /healthz, startup calls, polling, long answers."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from telegram import Bot

from bot.delivery import DeliveryError
from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.messages import Button, Reply
from bot.runtime import Services
from handlers.channel import Disabled
from handlers.server import create_app
from handlers.telegram.bot_app import TELEGRAM_OFF, telegram_channel
from handlers.telegram.render import MAX_TEXT, length
from handlers.telegram.sender import TelegramSender
from tests.telegram import updates
from tests.telegram.conftest import WEBHOOK_SECRET, new_token, serve_bot
from tests.telegram.fake_bot_api import FakeBotApi, loopback_socket
from tests.telegram.harness import BotUnderTest

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def test_webhook_requires_the_secret_header(bot: BotUnderTest) -> None:
    update = updates.message(updates.user(7_001), text="/help")
    url = f"{bot.url}/telegram/webhook"
    async with httpx.AsyncClient() as client:
        missing = await client.post(url, json=update)
        wrong = await client.post(url, json=update, headers={SECRET_HEADER: "guess"})
        garbage = await client.post(
            url, content=b"{not json", headers={SECRET_HEADER: WEBHOOK_SECRET}
        )
        not_update = await client.post(
            url, json={"hello": 1}, headers={SECRET_HEADER: WEBHOOK_SECRET}
        )
        right = await client.post(url, json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert (garbage.status_code, not_update.status_code, right.status_code) == (400, 400, 200)
    await bot.gateway.progress.wait_finished(1)
    assert bot.gateway.progress.handled == 1  # only the authenticated update
    assert len(bot.calls("sendMessage")) == 1


async def test_startup_registers_commands_and_the_webhook(bot: BotUnderTest) -> None:
    vi, en = bot.calls("setMyCommands")
    assert "language_code" not in vi.params  # Vietnamese is the default for everyone
    assert en.params["language_code"] == "en"
    names = ["start", "help", "menu", "lienhe", "phananh", "tracuu", "dangky", "huydangky"]
    names += ["thi", "ngonngu"]
    assert [c["command"] for c in vi.params["commands"]] == names
    assert [c["command"] for c in en.params["commands"]] == names
    descriptions = {c["command"]: c["description"] for c in vi.params["commands"]}
    assert descriptions["lienhe"] == "Địa chỉ, giờ làm việc và đường dây nóng"
    url, secret = bot.fake.webhook(bot.token)
    assert url == f"{bot.url}/telegram/webhook"
    assert secret == WEBHOOK_SECRET
    [hook] = bot.calls("setWebhook")
    assert "callback_query" in hook.params["allowed_updates"]


async def test_healthz_reports_database_and_telegram(bot: BotUnderTest) -> None:
    await bot.citizen().says("/help")
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{bot.url}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    telegram = body["channels"]["telegram"]
    assert (telegram["mode"], telegram["state"], telegram["bot"]) == (
        "webhook",
        "running",
        "@cchc_test_bot",
    )
    assert telegram["updates"]["handled"] == 1
    assert bot.token not in response.text


@asynccontextmanager
async def serve(app: object) -> AsyncIterator[str]:
    sock = loopback_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_config=None))  # type: ignore[arg-type]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_without_a_token_the_server_runs_and_says_telegram_is_off(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    off = Disabled("telegram", TELEGRAM_OFF)
    async with serve(create_app(services, [off])) as url, httpx.AsyncClient() as client:
        health = await client.get(f"{url}/healthz")
        webhook = await client.post(f"{url}/telegram/webhook", json={})
    assert health.status_code == 200
    assert health.json()["channels"]["telegram"] == {
        "enabled": False,
        "state": "off",
        "reason": "TELEGRAM_BOT_TOKEN is not set",
    }
    assert webhook.status_code == 404
    assert "Telegram is off: TELEGRAM_BOT_TOKEN is not set" in caplog.text


async def test_a_wrong_token_leaves_the_server_up_and_healthz_says_why(
    services: Services, fake_api: FakeBotApi
) -> None:
    fake_api.fail_next("0:bad", "getMe", "400")  # unused token: keep the fake's state apart
    token = new_token()
    fake_api.fail_next(token, "getMe", "403", description="Forbidden: unauthorized")
    settings = services.settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(token),
            "telegram_api_base_url": fake_api.base_url,
        }
    )
    gateway = Gateway(services, MemoryFloodGate(8, 10.0))
    channel = telegram_channel(settings, gateway)
    app = create_app(services, [channel], gateway)
    async with serve(app) as url, httpx.AsyncClient() as client:
        health = await client.get(f"{url}/healthz")
    telegram = health.json()["channels"]["telegram"]
    assert health.json()["status"] == "degraded"
    assert (telegram["state"], telegram["mode"]) == ("error", "polling")
    assert "unauthorized" in telegram["problem"]
    assert token not in health.text


async def test_polling_mode_conversation(services: Services, fake_api: FakeBotApi) -> None:
    async with serve_bot(services, fake_api, polling=True) as bot:
        an = bot.citizen("An")
        await an.says("/menu")
        await an.presses("Chứng thực")
        await an.says("lam can cuoc o dau")
        async with httpx.AsyncClient() as client:
            webhook = await client.post(f"{bot.url}/telegram/webhook", json={})
        bot.transcript.expect(
            """
            user: /menu
            bot: Ông/Bà muốn tìm hiểu về lĩnh vực nào? *
            user: [Chứng thực]
            bot ✎: Chọn nội dung trong mục “Chứng thực”: *
            user: lam can cuoc o dau
            bot: 📌 * căn cước *
            """
        )
        assert bot.calls("deleteWebhook")
        assert len(bot.calls("getUpdates")) >= 3
        assert not bot.calls("setWebhook")
        assert webhook.status_code == 404  # no webhook route in polling mode


async def test_a_long_answer_is_split_cleanly_and_escaped(
    long_services: Services, fake_api: FakeBotApi
) -> None:
    async with serve_bot(long_services, fake_api) as bot:
        await bot.citizen("An").says("ngựa vằn quokka hướng dẫn số 3")
    sent = bot.calls("sendMessage")
    assert len(sent) >= 2
    texts = [str(c.params["text"]) for c in sent]
    assert all(length(html.unescape(t)) <= MAX_TEXT for t in texts)
    assert all(length(t) <= MAX_TEXT for t in texts)  # even before Telegram parses the HTML
    assert [("reply_markup" in c.params) for c in sent] == [False] * (len(sent) - 1) + [True]
    # KB text is escaped: no raw "<b>" from the knowledge base reaches Telegram's HTML parser.
    assert "&lt;b&gt;kiểm thử&lt;/b&gt; &amp; ký tự" in texts[0]
    assert "a &lt; b &amp; c &gt; d" in texts[1]
    assert "<" not in "".join(texts)
    # Cut between paragraphs: every piece after the first starts a paragraph.
    assert all(t.startswith("Đoạn ") for t in texts[1:])
    whole = long_services.assistant.kb.entries["bai_dai"].answer["vi"].strip()
    assert whole.replace("\n\n", "") in html.unescape("".join(texts)).replace("\n\n", "")


async def test_the_outbox_sender_maps_telegram_errors(fake_api: FakeBotApi) -> None:
    token = new_token()
    fake_api.add_chat(token, 7001)  # a citizen who wrote to the bot before
    async with Bot(token, base_url=fake_api.base_url) as api:
        sender = TelegramSender(api)
        reply = Reply("Hồ sơ <đã> tiếp nhận & xử lý", ((Button("Xem", "menu"),),))
        await sender.send("7001", [reply])
        [sent] = fake_api.calls(token, "sendMessage")
        assert sent.params["text"] == "Hồ sơ &lt;đã&gt; tiếp nhận &amp; xử lý"
        assert sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "menu"
        outcomes = {}
        for kind in ("429", "403", "400", "502"):
            fake_api.fail_next(token, "sendMessage", kind)
            with pytest.raises(DeliveryError) as caught:
                await sender.send("7001", [reply])
            outcomes[kind] = (caught.value.retry_after, caught.value.permanent)
            assert token not in str(caught.value)
    assert outcomes == {
        "429": (1.0, False),
        "403": (None, True),
        "400": (None, True),
        "502": (None, False),
    }
    assert sender.channel == "telegram"
    assert 20 <= sender.rate_per_second <= 30


async def test_other_routes_and_background_jobs_live_with_the_app(services: Services) -> None:
    started, stopped = asyncio.Event(), asyncio.Event()

    async def job() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    async def crashing_job() -> None:
        raise RuntimeError("a broken job must not take the server down")

    async def staff(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("staff web")

    app = create_app(services, background=[job, crashing_job], routes=[Route("/staff", staff)])
    async with serve(app) as url, httpx.AsyncClient() as client:
        await asyncio.wait_for(started.wait(), 5)
        assert (await client.get(f"{url}/staff")).text == "staff web"
        assert (await client.get(f"{url}/healthz")).status_code == 200
    assert stopped.is_set()  # cancelled at shutdown
