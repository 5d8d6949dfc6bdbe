"""A fake Telegram Bot API for the broadcast tests (its own, so timeouts can be short)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.telegram.fake_bot_api import FakeBotApi


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeBotApi]:
    with FakeBotApi(slow_seconds=1.5) as fake:
        yield fake
