"""The browser's session from its cookie: resumed, rotated, or (forged, replayed) a new one."""

from __future__ import annotations

import asyncio
from typing import Literal, cast

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response

from bot.models import utcnow
from bot.webchat import sessions
from bot.webchat.sessions import Current
from handlers.webchat import cookie
from handlers.webchat.config import WebchatConfig


async def current(
    engine: Engine, config: WebchatConfig, request: Request, create: bool
) -> Current | None:
    """The session the cookie names, if it is ours and not replayed; else a new one
    (`create`) or None."""
    claim = cookie.read(config.secret, request.cookies.get(cookie.NAME), utcnow().timestamp())
    found = None
    if claim is not None:
        found = await asyncio.to_thread(
            sessions.resume,
            engine,
            claim.session,
            claim.generation,
            config.rotate_every,
            config.grace,
        )
    if found is None and create:
        found = await asyncio.to_thread(sessions.open_new, engine)
    return found


def keep(response: Response, config: WebchatConfig, found: Current | None) -> Response:
    """Set the (new or rotated) cookie on `response` when it changed."""
    if found is None or not found.fresh:
        return response
    value = cookie.issue(config.secret, found.id, found.generation, utcnow().timestamp())
    response.set_cookie(
        cookie.NAME,
        value,
        max_age=cookie.MAX_AGE,
        httponly=True,
        secure=config.cookie_secure,
        samesite=cast(Literal["lax", "strict", "none"], config.samesite),
        partitioned=config.samesite == "none",  # CHIPS: inside a portal on another site
        path="/",
    )
    return response
