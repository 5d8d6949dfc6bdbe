"""The Zalo adapter: stored event → front-door event, replies → customer-service texts."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine

from bot import choices
from bot.gateway.alerts import short_id
from bot.gateway.events import Arrival, Delivered, Event
from bot.menu import CHOICE
from bot.messages import Reply
from handlers.zalo.api import ZaloError, ZaloUnavailableError
from handlers.zalo.convert import translate
from handlers.zalo.errors import Kind, kind_of
from handlers.zalo.messenger import Messenger
from handlers.zalo.render import render
from handlers.zalo.shape import CHANNEL, TEXT
from handlers.zalo.tokens import TokenError

log = logging.getLogger(__name__)


class ZaloAdapter:
    """What the front door needs from Zalo: `translate` and `respond`."""

    name = CHANNEL

    def __init__(self, engine: Engine, messenger: Messenger) -> None:
        self.engine, self.messenger = engine, messenger

    def translate(self, payload: dict[str, Any]) -> Event | None:
        """The stored event as an `Arrival`, a `Membership` change, or None (stay silent).

        Only a typed text can pick a numbered choice, so only then are the choices read (one
        primary-key lookup)."""
        shown: list[str] = []
        sender = payload.get("sender")
        if payload.get("event_name") == TEXT and isinstance(sender, dict):
            shown = choices.recall(self.engine, CHANNEL, str(sender.get("id")))
        return translate(payload, shown)

    async def respond(
        self, arrival: Arrival, replies: list[Reply], notice: bool = False
    ) -> Delivered:
        """Send the replies as texts; the buttons as numbered choices."""
        user: str = arrival.context
        if not replies:
            return Delivered.SENT
        texts, shown = render(replies)
        slip = (arrival.inbound.payload or "").startswith(f"{CHOICE}:")
        try:
            if not notice and not slip:  # after a slip the same numbers still work
                await self.messenger.show_choices(user, shown)
            await self.messenger.send(user, texts)
        except ZaloError as error:
            kind = kind_of(error.code)
            if kind is Kind.UNREACHABLE:
                log.info("Zalo user %s cannot be reached (%d)", short_id(user), error.code)
                return Delivered.BLOCKED
            if kind is Kind.WINDOW:  # cannot be, right after they wrote; retrying won't help
                log.warning("Zalo refused a reply to %s (%d)", short_id(user), error.code)
                return Delivered.SENT
            return self._undelivered(user, error)
        except (ZaloUnavailableError, TokenError) as error:
            return self._undelivered(user, error)
        return Delivered.SENT

    def _undelivered(self, user: str, error: Exception) -> Delivered:
        log.error("gave up replying to Zalo user %s: %s", short_id(user), type(error).__name__)
        return Delivered.FAILED
