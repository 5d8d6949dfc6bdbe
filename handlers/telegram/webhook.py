"""The webhook route: check Telegram's secret, check the update, commit it, then answer 200."""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.gateway.front import Gateway
from bot.gateway.quiet import QuietWarning
from handlers.telegram.convert import CHANNEL
from handlers.telegram.shape import MalformedUpdateError, decode, key_of

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_BODY = 1 << 20  # bytes; Telegram's updates are far smaller


class Door(Protocol):
    """What the route needs from the channel."""

    gateway: Gateway
    unauthenticated: QuietWarning

    @property
    def running(self) -> bool: ...

    def secret_matches(self, header: str | None) -> bool: ...


def webhook_route(channel: Door, path: str) -> Route:
    """POST `path` for `channel`."""

    async def receive(request: Request) -> Response:
        if not channel.secret_matches(request.headers.get(SECRET_HEADER)):
            channel.unauthenticated.hit()
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        if not (channel.running and channel.gateway.running):
            # Telegram retries later; the update is not lost.
            return JSONResponse({"ok": False, "error": "not ready"}, status_code=503)
        body = await request.body()
        try:
            if len(body) > MAX_BODY:
                raise MalformedUpdateError("too large")
            data = decode(body)
            platform_id, citizen = key_of(data)
        except MalformedUpdateError as error:
            log.warning("webhook request with a malformed update (%s); refused", error)
            return JSONResponse({"ok": False, "error": "bad update"}, status_code=400)
        if citizen is None:
            channel.gateway.skip()
            return JSONResponse({"ok": True})
        try:
            await channel.gateway.receive(CHANNEL, platform_id, citizen, data)
        except SQLAlchemyError as error:
            # Not stored, so not acknowledged: Telegram delivers it again later.
            log.error("could not store update %s: %s", platform_id, type(error).__name__)
            return JSONResponse({"ok": False, "error": "not ready"}, status_code=503)
        return JSONResponse({"ok": True})

    return Route(path, receive, methods=["POST"])
