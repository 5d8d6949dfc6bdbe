"""The webhook route: check Telegram's secret header, queue the update, answer at once."""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from handlers.telegram.bot_app import WEBHOOK_PATH, TelegramChannel

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def webhook_route(channel: TelegramChannel) -> Route:
    """POST /telegram/webhook for `channel`."""

    async def receive(request: Request) -> Response:
        if not channel.secret_matches(request.headers.get(SECRET_HEADER)):
            log.warning("webhook request without the right secret token; refused")
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        if not channel.running:
            # Telegram retries later; the update is not lost.
            return JSONResponse({"ok": False, "error": "not ready"}, status_code=503)
        try:
            data = json.loads(await request.body())
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            await channel.accept(data)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("webhook request with a malformed update: %s", type(error).__name__)
            return JSONResponse({"ok": False, "error": "bad update"}, status_code=400)
        return JSONResponse({"ok": True})

    return Route(WEBHOOK_PATH, receive, methods=["POST"])
