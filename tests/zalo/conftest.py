"""Fixtures: a fake Zalo server per test, the bot served with the Zalo channel."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.runtime import Services
from tests.zalo.fake_zalo import FakeZalo
from tests.zalo.harness import ZaloUnderTest, serve_zalo


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        yield fake


@pytest.fixture
async def zalo(services: Services, fake_zalo: FakeZalo) -> AsyncIterator[ZaloUnderTest]:
    async with serve_zalo(services, fake_zalo) as running:
        yield running
