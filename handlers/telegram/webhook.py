"""The webhook route: check Telegram's secret, check the update, commit it, then answer 200."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.gateway.front import Gateway
from bot.gateway.quiet import QuietWarning
from handlers.asgi import RawRoute, header
from handlers.telegram.convert import CHANNEL
from handlers.telegram.shape import MalformedUpdateError, decode, key_of

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
SECRET_NAME = SECRET_HEADER.lower().encode()  # as ASGI gives header names
OK = {"ok": True}
MAX_BODY = 1 << 20  # bytes; Telegram's updates are far smaller


class Door(Protocol):
    """What the route needs from the channel."""

    gateway: Gateway
    unauthenticated: QuietWarning

    @property
    def running(self) -> bool: ...

    def secret_matches(self, header: str | None) -> bool: ...


def webhook_route(channel: Door, path: str) -> RawRoute:
    """POST `path` for `channel` (a raw ASGI route: see `handlers.asgi`)."""

    async def receive(headers: list[tuple[bytes, bytes]], body: bytes | None) -> tuple[int, Any]:
        if not channel.secret_matches(header(headers, SECRET_NAME)):
            channel.unauthenticated.hit()
            return 403, {"ok": False, "error": "forbidden"}
        if not (channel.running and channel.gateway.running):
            # Telegram retries later; the update is not lost.
            return 503, {"ok": False, "error": "not ready"}
        try:
            if body is None:
                raise MalformedUpdateError("too large")
            data = decode(body)
            platform_id, citizen = key_of(data)
        except MalformedUpdateError as error:
            log.warning("webhook request with a malformed update (%s); refused", error)
            return 400, {"ok": False, "error": "bad update"}
        if citizen is None:
            channel.gateway.skip()
            return 200, OK
        try:
            await channel.gateway.receive(CHANNEL, platform_id, citizen, data)
        except SQLAlchemyError as error:
            # Not stored, so not acknowledged: Telegram delivers it again later.
            log.error("could not store update %s: %s", platform_id, type(error).__name__)
            return 503, {"ok": False, "error": "not ready"}
        return 200, OK

    return RawRoute(path, receive, MAX_BODY)
