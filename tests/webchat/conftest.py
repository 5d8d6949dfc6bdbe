"""Fixtures: the bot served with the web chat channel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runtime import Services
from tests.webchat.harness import WebchatUnderTest, serve_webchat


@pytest.fixture
async def webchat(services: Services) -> AsyncIterator[WebchatUnderTest]:
    async with serve_webchat(services) as running:
        yield running
