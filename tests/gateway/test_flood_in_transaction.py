"""On PostgreSQL the shared flood gate records a message in the message's own transaction
(one checkout, no BEGIN/COMMIT of its own): it still allows, warns once and then drops."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.gateway.events import Arrival, Delivered, Event
from bot.gateway.front import Gateway
from bot.messages import Inbound, Reply
from bot.runtime import Services
from bot.shared.backends import SharedFloodGate


class Recording:
    """A platform that records every answer: (text sent to, replies, a flood notice?)."""

    name = "test"

    def __init__(self) -> None:
        self.sent: list[tuple[str, int, bool]] = []

    def translate(self, payload: dict[str, Any]) -> Event | None:
        return Arrival(Inbound(self.name, payload["user"], text=payload["text"]))

    async def respond(
        self, arrival: Arrival, replies: list[Reply], notice: bool = False
    ) -> Delivered:
        self.sent.append((arrival.inbound.text, len(replies), notice))
        return Delivered.SENT


async def run(gateway: Gateway, platform: Recording, texts: list[str]) -> None:
    for n, text in enumerate(texts):
        await gateway.receive(platform.name, str(n), "citizen", {"user": "u1", "text": text})
    worker = asyncio.create_task(gateway.run_forever())
    try:
        async with asyncio.timeout(30):
            while len(platform.sent) < len(texts):
                await asyncio.sleep(0.02)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        gateway.stop()


def gateway_for(services: Services, limit: int) -> tuple[Gateway, Recording]:
    platform = Recording()
    gateway = Gateway(services, SharedFloodGate(services.shared.flood, limit, 60.0))
    gateway.register(platform)
    return gateway, platform


@pytest.mark.asyncio
async def test_flood_gate_allows_then_warns_once_then_drops(services: Services) -> None:
    gateway, platform = gateway_for(services, 3)
    in_database = services.engine.dialect.name == "postgresql"
    assert (gateway.gate_in_transaction is not None) is in_database
    await run(gateway, platform, ["a", "b", "c", "d", "e"])
    notices = [(text, count) for text, count, notice in platform.sent if notice]
    handled = [text for text, count, notice in platform.sent if not notice and count]
    assert handled == ["a", "b", "c"]
    assert notices == [("d", 1), ("e", 0)]  # one warning, then silence


@pytest.mark.asyncio
@pytest.mark.postgres
async def test_a_message_the_core_failed_on_is_not_counted(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    if services.engine.dialect.name != "postgresql":
        pytest.skip("the gate runs in the message's transaction on PostgreSQL only")
    gateway, platform = gateway_for(services, 2)
    handle_in = services.assistant.handle_in

    def failing(session: Any, inbound: Inbound) -> list[Reply]:
        if inbound.text == "boom":
            raise RuntimeError("a bug in a feature")
        return handle_in(session, inbound)

    monkeypatch.setattr(services.assistant, "handle_in", failing)
    await run(gateway, platform, ["boom", "a", "b"])
    # "boom" was rolled back with its flood count: "a" and "b" are the two allowed.
    assert [text for text, count, notice in platform.sent if not notice][1:] == ["a", "b"]
    assert not any(notice for _text, _count, notice in platform.sent)
