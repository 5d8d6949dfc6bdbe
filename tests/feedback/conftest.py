"""Fixtures for the feedback tests: the application with a staff group configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.runtime import Services, build
from knowledge.matcher import Matcher

STAFF_CHAT = -1001234567890


@pytest.fixture
def app(settings: Settings, matcher: Matcher) -> Iterator[Services]:
    """The built application on the test database, new tickets carded to STAFF_CHAT."""
    built = build(settings.model_copy(update={"staff_chat_id": STAFF_CHAT}), matcher)
    yield built
    built.engine.dispose()
