"""`POST /api/chat` and `GET /api/chat/history`: the JSON API the widget itself uses.

POST `{"text": "…"}` or `{"button": "<payload>"}` → `{"replies": [{"text": "…", "buttons":
[{"label": "…", "payload": "…"}]}]}` (plus `id`s, `message_id`, `last`, `pending`). The
message is committed to the front door's inbox before anything is answered; the request then
waits for the front door's reply (up to `wait_seconds`; after that `pending` is true and the
page's poll of the history brings the answer).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, Protocol

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.gateway import inbox
from bot.gateway.flood import FloodGate, Verdict
from bot.gateway.front import Gateway
from bot.webchat import history
from handlers.webchat import guard, upload
from handlers.webchat.config import WebchatConfig
from handlers.webchat.convert import CHANNEL
from handlers.webchat.respond import Waiters
from handlers.webchat.session import current, keep
from handlers.webchat.shape import MAX_BODY, BadRequestError, ChatRequest, parse, stored

log = logging.getLogger(__name__)
CHAT_PATH, HISTORY_PATH, UPLOAD_PATH = "/api/chat", "/api/chat/history", "/api/chat/upload"
CHECK_EVERY = 0.25  # seconds between looks in the database (another worker's answer)


class Door(Protocol):
    """What the routes need from the channel."""

    config: WebchatConfig
    gateway: Gateway
    waiters: Waiters
    per_session: FloodGate
    per_ip: FloodGate


async def _body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refused as too long as soon as it passes `limit` (never read whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequestError("too_long")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequestError("too_long")
        chunks.append(chunk)
    return b"".join(chunks)


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "role", "text", "buttons", "rows", "at")}


class ChatApi:
    """The two routes over one channel."""

    def __init__(self, door: Door) -> None:
        self.door = door
        self.kb = door.gateway.services.matcher.kb
        self.engine = door.gateway.services.engine

    def routes(self) -> list[Route]:
        """POST/OPTIONS /api/chat, GET/OPTIONS /api/chat/history."""
        return [
            Route(CHAT_PATH, self._safe(self.chat), methods=["POST"]),
            Route(UPLOAD_PATH, self._safe(self.attach), methods=["POST"]),
            Route(UPLOAD_PATH, self.preflight, methods=["OPTIONS"]),
            Route(HISTORY_PATH, self._safe(self.history), methods=["GET"]),
            Route(CHAT_PATH, self.preflight, methods=["OPTIONS"]),
            Route(HISTORY_PATH, self.preflight, methods=["OPTIONS"]),
        ]

    def _safe(self, handler: Any) -> Any:
        async def guarded(request: Request) -> Response:
            try:
                response: Response = await handler(request)
            except ClientDisconnect:
                return Response(status_code=400)
            except Exception as error:  # a polite "try again", never a bare 500
                log.error("web chat request failed: %s", type(error).__name__)
                response = guard.refuse(
                    self.kb, 503, "unavailable", "error", guard.language(request)
                )
            return guard.cors(response, request, self.door.config.origins)

        return guarded

    async def preflight(self, request: Request) -> Response:
        """CORS preflight for the configured portal origins only."""
        return guard.preflight(request, self.door.config.origins)

    def _limited(self, gate: FloodGate, key: str) -> bool:
        return gate.check(key, time.time()) is not Verdict.ALLOW

    async def _admit(self, request: Request, lang: str) -> Response | None:
        """A refusal for a cross-site request or an address over its limit; None: go on."""
        if not guard.csrf_ok(request, self.door.config.origins):
            return guard.refuse(self.kb, 403, "forbidden", "web.forbidden", lang)
        ip_key = f"web-ip:{guard.client_ip(request)}"
        if await asyncio.to_thread(self._limited, self.door.per_ip, ip_key):
            return guard.refuse(self.kb, 429, "busy", "web.busy", lang)
        return None

    async def chat(self, request: Request) -> Response:
        """One citizen message in, the replies out."""
        config, lang = self.door.config, guard.language(request)
        refused = await self._admit(request, lang)
        if refused is not None:
            return refused
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return guard.refuse(self.kb, 415, "bad_request", "web.bad_request", lang)
        try:
            asked = parse(await _body(request), config.max_chars)
        except BadRequestError as error:
            lang = error.lang or lang
            if error.kind == "too_long":
                limit = str(config.max_chars)
                return guard.refuse(self.kb, 413, "too_long", "web.too_long", lang, limit=limit)
            return guard.refuse(self.kb, 400, "bad_request", "web.bad_request", lang)
        return await self._answer(request, asked, asked.lang or lang)

    async def attach(self, request: Request) -> Response:
        """A photo or PDF (the raw body, its type in Content-Type), kept with a feedback draft."""
        config = self.door.config
        lang = guard.language(request, request.query_params.get("lang"))
        refused = await self._admit(request, lang)
        if refused is not None:
            return refused
        megabytes = f"{config.upload_max_bytes / 1048576:g}"
        if config.upload_max_bytes <= 0:
            return guard.refuse(self.kb, 415, "upload_type", "web.upload_type", lang)
        try:
            data = await _body(request, config.upload_max_bytes)
        except BadRequestError:
            return guard.refuse(self.kb, 413, "too_long", "web.upload_size", lang, limit=megabytes)
        kind = upload.sniff(request.headers.get("content-type", ""), data)
        if kind is None:
            return guard.refuse(self.kb, 415, "upload_type", "web.upload_type", lang)
        ref = await asyncio.to_thread(upload.store, config.upload_dir, data, kind)
        name = upload.file_name(request.headers.get(upload.NAME_HEADER))
        attached = {"kind": kind.kind, "ref": ref, "name": name}
        return await self._answer(
            request, ChatRequest(label=f"📎 {name}", lang=lang, upload=attached), lang
        )

    async def _answer(self, request: Request, asked: ChatRequest, lang: str) -> Response:
        """The session (new when the cookie is not ours), its limit, then the exchange."""
        config = self.door.config
        found = await current(self.engine, config, request, create=True)
        assert found is not None
        session_key = f"web:{found.id}"
        if await asyncio.to_thread(self._limited, self.door.per_session, session_key):
            refused = guard.refuse(self.kb, 429, "busy", "flood", lang)
            return keep(refused, config, found)
        if not self.door.gateway.running:
            return keep(guard.refuse(self.kb, 503, "unavailable", "error", lang), config, found)
        body = await self._exchange(found.id, asked)
        return keep(JSONResponse(body, status_code=202 if body["pending"] else 200), config, found)

    async def _exchange(self, session: str, asked: ChatRequest) -> dict[str, Any]:
        message_id = uuid.uuid4().hex
        waiters = self.door.waiters
        woken = waiters.expect(message_id)
        try:
            gateway = self.door.gateway
            await gateway.receive(CHANNEL, message_id, session, stored(asked, session, message_id))
            done = await self._wait(woken, message_id)
        finally:
            waiters.forget(message_id)
        rows = await asyncio.to_thread(history.exchange, self.engine, session, message_id)
        own = [row for row in rows if row["role"] == history.CITIZEN]
        replies = [_public(row) for row in rows if row["role"] == history.BOT]
        return {
            "replies": replies,
            "message_id": own[0]["id"] if own else None,
            "last": max((row["id"] for row in rows), default=None),
            "pending": not done,
        }

    async def _wait(self, woken: asyncio.Event, message_id: str) -> bool:
        """True once the answer is stored (woken here, or seen handled by another worker)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.door.config.wait_seconds
        while loop.time() < deadline:
            try:
                await asyncio.wait_for(woken.wait(), CHECK_EVERY)
                return True
            except TimeoutError:
                if await asyncio.to_thread(inbox.finished, self.engine, CHANNEL, message_id):
                    return True
        return False

    async def history(self, request: Request) -> Response:
        """The conversation after message id `after` (0: from the start), for the page."""
        config, lang = self.door.config, guard.language(request)
        if not guard.csrf_ok(request, config.origins):
            return guard.refuse(self.kb, 403, "forbidden", "web.forbidden", lang)
        after = request.query_params.get("after", "0")
        if not after.isdigit() or len(after) > 12:
            return guard.refuse(self.kb, 400, "bad_request", "web.bad_request", lang)
        found = await current(self.engine, config, request, create=False)
        if found is None:
            return JSONResponse({"messages": [], "last": int(after)})
        rows = await asyncio.to_thread(history.since, self.engine, found.id, int(after))
        last = max((row["id"] for row in rows), default=int(after))
        body = {"messages": [_public(row) for row in rows], "last": last}
        return keep(JSONResponse(body), config, found)
