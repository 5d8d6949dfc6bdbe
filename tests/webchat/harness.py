"""The bot served over real HTTP with the web chat channel, and browsers (cookie jars) on it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from bot.feedback import make_dispatcher
from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.runtime import Services
from handlers.server import create_app
from handlers.webchat.channel import WebchatChannel, webchat_channel
from tests.telegram.fake_bot_api import loopback_socket

HEADERS = {"X-CCHC-Chat": "1"}
SECRET = "test-webchat-secret-0123456789abcdef"


@dataclass
class WebchatUnderTest:
    """The running server (uvicorn on loopback) with the web chat, and its outbox."""

    channel: WebchatChannel
    gateway: Gateway
    services: Services
    url: str

    def browser(self, headers: dict[str, str] | None = None, **options: Any) -> httpx.AsyncClient:
        """A client that keeps cookies like a browser (one session)."""
        sent = {**HEADERS, **(headers or {})}
        return httpx.AsyncClient(base_url=self.url, headers=sent, timeout=30, **options)


async def ask(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    """POST /api/chat; the JSON answer (asserting 200)."""
    response = await client.post("/api/chat", json=body)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def texts(answer: dict[str, Any]) -> str:
    """Every reply's text, joined."""
    return "\n".join(reply["text"] for reply in answer["replies"])


def button(answer: dict[str, Any], label: str) -> dict[str, str]:
    """The first button whose label contains `label`."""
    for reply in answer["replies"]:
        for found in reply["buttons"]:
            if label in found["label"]:
                return dict(found)
    raise AssertionError(f"no button {label!r} in {answer}")


async def press(client: httpx.AsyncClient, answer: dict[str, Any], label: str) -> dict[str, Any]:
    """Press the button labelled `label` in `answer`."""
    chosen = button(answer, label)
    return await ask(client, button=chosen["payload"], label=chosen["label"])


def webchat_settings(services: Services, **changes: Any) -> Services:
    values: dict[str, Any] = {
        "webchat_secret": SECRET,
        "flood_messages": 50,
        "webchat_session_messages": 50,
    }
    values.update(changes)
    settings = services.settings.model_copy(update=values)
    settings = type(settings).model_validate(settings.model_dump())  # SecretStr from str
    return dataclasses.replace(services, settings=settings)


@asynccontextmanager
async def serve_webchat(
    services: Services, own_workers: bool = True, **changes: Any
) -> AsyncIterator[WebchatUnderTest]:
    """create_app + uvicorn on a loopback port with the web chat and an outbox dispatcher.

    `own_workers=False`: the door takes messages but this app's front door handles none
    (another process's does: the test runs one)."""
    services = webchat_settings(services, **changes)
    settings = services.settings
    sock = loopback_socket()
    port = sock.getsockname()[1]
    gateway = Gateway(services, MemoryFloodGate(settings.flood_messages, settings.flood_seconds))
    channel = webchat_channel(settings, gateway)
    assert isinstance(channel, WebchatChannel)
    outbox = make_dispatcher(services.sessions, settings, {"webchat": channel.sender()})

    async def deliver() -> None:
        await outbox.run_forever(interval=0.1)

    app = create_app(services, [channel], gateway if own_workers else None, [deliver])
    gateway.running = gateway.running or not own_workers
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
        yield WebchatUnderTest(channel, gateway, services, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await task
        sock.close()
