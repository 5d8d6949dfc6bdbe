"""The bot served over real HTTP with the Zalo channel, and citizens who write to it."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr

from bot.gateway import inbox
from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.runtime import Services
from handlers.server import create_app
from handlers.zalo.channel import ZaloChannel, zalo_channel
from handlers.zalo.signature import SIGNATURE_HEADER, header_value
from tests.telegram.fake_bot_api import loopback_socket
from tests.zalo.fake_zalo import APP_ID, APP_SECRET, OA_SECRET_KEY, FakeZalo

OA_ID = "388613280878808645"


def now_ms() -> str:
    return str(int(time.time() * 1000))


def text_event(
    user: str, text: str, msg_id: str | None = None, ts: str | None = None
) -> dict[str, Any]:
    return {
        "app_id": APP_ID,
        "user_id_by_app": "9" + user,
        "event_name": "user_send_text",
        "sender": {"id": user},
        "recipient": {"id": OA_ID},
        "message": {"text": text, "msg_id": msg_id or uuid.uuid4().hex},
        "timestamp": ts or now_ms(),
    }


def follow_event(user: str, follow: bool = True) -> dict[str, Any]:
    return {
        "app_id": APP_ID,
        "oa_id": OA_ID,
        "event_name": "follow" if follow else "unfollow",
        "follower": {"id": user},
        "source": "oa_profile",
        "timestamp": now_ms(),
    }


def media_event(user: str, event: str, payload: dict[str, Any], text: str = "") -> dict[str, Any]:
    kind = event.removeprefix("user_send_")
    message: dict[str, Any] = {
        "msg_id": uuid.uuid4().hex,
        "attachments": [{"type": kind, "payload": payload}],
    }
    if text:
        message["text"] = text
    return {
        "app_id": APP_ID,
        "event_name": event,
        "sender": {"id": user},
        "recipient": {"id": OA_ID},
        "message": message,
        "timestamp": now_ms(),
    }


def sign(body: bytes, timestamp: str, key: str = OA_SECRET_KEY) -> str:
    return header_value(APP_ID, body, timestamp, key)


@dataclass
class ZaloUnderTest:
    """The running server (uvicorn on loopback) with the Zalo channel, and the fake Zalo."""

    fake: FakeZalo
    channel: ZaloChannel
    gateway: Gateway
    services: Services
    url: str
    transcript: list[str] = field(default_factory=list)

    async def post(
        self, event: dict[str, Any] | bytes, signature: str | None = "auto"
    ) -> httpx.Response:
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "auto":
            assert isinstance(event, dict)
            signature = sign(body, str(event["timestamp"]))
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        async with httpx.AsyncClient() as client:
            return await client.post(self.url + "/zalo/webhook", content=body, headers=headers)

    async def idle(self, timeout: float = 15.0) -> None:
        """Wait until every stored event is handled (the inbox has no open row)."""
        deadline = time.monotonic() + timeout
        while True:
            found = await asyncio.to_thread(inbox.backlog, self.services.engine)
            if found["backlog"] == 0:
                return
            assert time.monotonic() < deadline, f"the inbox did not drain: {found}"
            await asyncio.sleep(0.02)

    async def eventually(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out waiting"
            await asyncio.sleep(0.02)

    async def deliver(self, event: dict[str, Any]) -> list[str]:
        """A signed event through the webhook; the texts the citizen got back."""
        user = str((event.get("sender") or event.get("follower") or {})["id"])
        before = len(self.fake.texts_to(user))
        response = await self.post(event)
        assert response.status_code == 200, response.text
        await self.idle()
        new = self.fake.texts_to(user)[before:]
        text = event.get("message", {}).get("text") or event["event_name"]
        self.transcript.append(f"{user}: {text}")
        self.transcript += [f"bot: {t}" for t in new]
        print("\n".join(self.transcript[-1 - len(new) :]))
        return new

    async def deliver_text(self, user: str, text: str) -> list[str]:
        """The citizen types `text`; the texts the bot sent back."""
        return await self.deliver(text_event(user, text))

    async def says(self, user: str, text: str) -> str:
        """The citizen types `text`; the bot's texts back, joined."""
        return "\n".join(await self.deliver(text_event(user, text)))

    async def picks(self, user: str, label: str) -> str:
        """Answer with the number shown before the choice containing `label`."""
        last = "\n".join(self.fake.texts_to(user)[-3:])
        for line in reversed(last.splitlines()):
            number, dot, rest = line.partition(". ")
            if dot and number.isdigit() and label in rest:
                return await self.says(user, number)
        raise AssertionError(f"no choice {label!r} in:\n{last}")


def zalo_settings(services: Services, fake: FakeZalo, **changes: Any) -> Services:
    access, refresh = fake.issue()
    values: dict[str, Any] = {
        "zalo_app_id": APP_ID,
        "zalo_app_secret": SecretStr(APP_SECRET),
        "zalo_oa_secret_key": SecretStr(OA_SECRET_KEY),
        "zalo_access_token": SecretStr(access),
        "zalo_refresh_token": SecretStr(refresh),
        "zalo_api_base_url": fake.url,
        "zalo_oauth_base_url": fake.url,
        "flood_messages": 50,
    }
    values.update(changes)
    return dataclasses.replace(services, settings=services.settings.model_copy(update=values))


@asynccontextmanager
async def serve_zalo(
    services: Services, fake: FakeZalo, **changes: Any
) -> AsyncIterator[ZaloUnderTest]:
    """create_app + uvicorn on a loopback port with the Zalo channel talking to the fake."""
    services = zalo_settings(services, fake, **changes)
    settings = services.settings
    sock = loopback_socket()
    port = sock.getsockname()[1]
    gateway = Gateway(services, MemoryFloodGate(settings.flood_messages, settings.flood_seconds))
    channel = zalo_channel(settings, gateway)
    assert isinstance(channel, ZaloChannel)
    app = create_app(services, [channel], gateway)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(1000):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        assert server.started, "the bot server did not start"
        while not gateway.running:
            await asyncio.sleep(0.01)
        yield ZaloUnderTest(fake, channel, gateway, services, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await task
        sock.close()
