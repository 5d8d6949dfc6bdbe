"""`POST /zalo/webhook`: check the event, its signature and age, commit it, then answer 200."""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.gateway.front import Gateway
from bot.gateway.quiet import QuietWarning
from handlers.zalo.shape import CHANNEL, KNOWN, MalformedEventError, decode, key_of
from handlers.zalo.signature import SIGNATURE_HEADER, Verifier

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/zalo/webhook"
MAX_BODY = 1 << 20  # bytes; Zalo's events are far smaller


class Door(Protocol):
    """What the route needs from the channel."""

    gateway: Gateway
    verifier: Verifier
    unauthenticated: QuietWarning
    stale: QuietWarning

    @property
    def running(self) -> bool: ...

    def unknown(self, event: str) -> None: ...


def _answer(status: int, error: str | None = None) -> JSONResponse:
    body = {"error": 0} if error is None else {"error": 1, "message": error}
    return JSONResponse(body, status_code=status)


def webhook_route(channel: Door, path: str = WEBHOOK_PATH) -> Route:
    """POST `path` for `channel`."""

    async def receive(request: Request) -> Response:
        body = await request.body()
        try:
            if len(body) > MAX_BODY:
                raise MalformedEventError("too large")
            data = decode(body)
            key = key_of(data)
        except MalformedEventError as error:
            log.warning("Zalo webhook request with a malformed event (%s); refused", error)
            return _answer(400, "bad event")
        if not channel.verifier.signed(request.headers.get(SIGNATURE_HEADER), body, key.timestamp):
            channel.unauthenticated.hit()
            return _answer(401, "bad signature")
        if not channel.verifier.fresh(key.timestamp_ms):
            channel.stale.hit()
            return _answer(403, "stale event")
        if not (channel.running and channel.gateway.running):
            return _answer(503, "not ready")  # Zalo delivers it again; nothing is lost
        if key.event not in KNOWN or key.citizen is None:
            if key.event not in KNOWN and not key.event.startswith("oa_"):  # not our echo
                channel.unknown(key.event)
            channel.gateway.skip()
            return _answer(200)
        try:
            await channel.gateway.receive(CHANNEL, key.platform_id, key.citizen, data)
        except SQLAlchemyError as error:
            log.error("could not store Zalo event: %s", type(error).__name__)
            return _answer(503, "not ready")
        return _answer(200)

    return Route(path, receive, methods=["POST"])
