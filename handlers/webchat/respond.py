"""The web chat's front-door adapter and its outbox sender: both write the page's history.

A reply is "sent" when it is stored with the conversation: the request that waits for it
reads it from there (woken at once in this process, or finding it by polling when another
worker handled the message), and so does the page's next poll or visit.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.delivery import DeliveryError
from bot.gateway.events import Arrival, Delivered, Event
from bot.messages import Reply
from bot.webchat import history
from handlers.webchat.convert import CHANNEL, Where, translate

log = logging.getLogger(__name__)


class Waiters:
    """Requests of this process waiting for the answer to their message."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}

    def expect(self, message_id: str) -> asyncio.Event:
        """Register before the message is stored, so an early answer is not missed."""
        return self._events.setdefault(message_id, asyncio.Event())

    def wake(self, message_id: str) -> None:
        """The answer is stored."""
        event = self._events.get(message_id)
        if event is not None:
            event.set()

    def forget(self, message_id: str) -> None:
        """The request is over."""
        self._events.pop(message_id, None)

    def __len__(self) -> int:
        return len(self._events)


class WebAdapter:
    """What the front door needs from the web chat: `translate` and `respond`."""

    name = CHANNEL

    def __init__(self, engine: Engine, waiters: Waiters) -> None:
        self.engine, self.waiters = engine, waiters

    def translate(self, payload: dict[str, Any]) -> Event | None:
        """The stored request as an `Arrival`."""
        return translate(payload)

    async def respond(
        self,
        arrival: Arrival,
        replies: list[Reply],
        notice: bool = False,  # noqa: ARG002 - a web page shows notices like replies
    ) -> Delivered:
        """Keep the citizen's message and the replies with the conversation; wake the request."""
        where: Where = arrival.context
        try:
            await asyncio.to_thread(
                history.add_exchange,
                self.engine,
                where.session,
                where.said,
                replies,
                where.message_id,
            )
        except SQLAlchemyError as error:
            log.error("could not keep a web chat answer: %s", type(error).__name__)
            return Delivered.FAILED
        self.waiters.wake(where.message_id)
        return Delivered.SENT


class WebSender:
    """The outbox's sender for the web chat: staff answers and status changes are kept with
    the conversation, where the open page's next poll (or the next visit) finds them."""

    channel = CHANNEL
    rate_per_second = 0.0  # no platform limit: it is our own database

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        """Keep `replies` for session `recipient`."""
        try:
            await asyncio.to_thread(history.add_replies, self.engine, recipient, replies)
        except SQLAlchemyError as error:
            raise DeliveryError(
                f"could not keep web chat messages: {type(error).__name__}"
            ) from error
