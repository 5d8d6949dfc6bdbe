"""The outbox's `Sender` for Zalo: inside the interaction window, or held (never dropped)."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import Engine, select

from bot.delivery import DeliveryError
from bot.messages import Reply
from bot.models import Contact, utcnow
from handlers.zalo.api import ZaloError, ZaloUnavailableError
from handlers.zalo.errors import delivery_error
from handlers.zalo.messenger import Messenger
from handlers.zalo.render import render
from handlers.zalo.shape import CHANNEL
from handlers.zalo.tokens import TokenError

RATE_PER_SECOND = 8.0  # stay well under Zalo's per-app request limits
OUTSIDE = "outside Zalo's interaction window: the citizen has not written for {hours:.0f} h"


def last_seen(engine: Engine, user_id: str) -> dt.datetime | None:
    """When the citizen last wrote to us on Zalo (None: never)."""
    with engine.connect() as connection:
        return connection.execute(
            select(Contact.last_seen_at).where(
                Contact.channel == CHANNEL, Contact.external_id == user_id
            )
        ).scalar_one_or_none()


class ZaloSender:
    """Renders replies to texts and sends them; outside the window raises a `held` error."""

    channel = CHANNEL
    rate_per_second = RATE_PER_SECOND

    def __init__(self, engine: Engine, messenger: Messenger, window: dt.timedelta) -> None:
        self.engine, self.messenger, self.window = engine, messenger, window

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        """Deliver every reply; raise `DeliveryError` at the first text that fails."""
        seen = await asyncio.to_thread(last_seen, self.engine, recipient)
        if seen is None or utcnow() - seen > self.window:
            hours = (utcnow() - seen).total_seconds() / 3600 if seen else float("inf")
            raise DeliveryError(OUTSIDE.format(hours=hours), held=True)
        texts, shown = render(replies)
        try:
            if shown:  # a status notice without choices leaves the last menu's numbers
                await self.messenger.show_choices(recipient, shown)
            await self.messenger.send(recipient, texts)
        except (ZaloError, ZaloUnavailableError) as error:
            raise delivery_error(error) from error
        except TokenError as error:
            raise DeliveryError(f"no usable Zalo token: {error}") from error
