"""A fake Telegram Bot API server on 127.0.0.1, over real HTTP, for tests and the benchmark.

It speaks enough of the Bot API for the bot: getMe, setMyCommands, deleteWebhook, setWebhook,
getUpdates (long polling), sendMessage, sendPhoto, editMessageText, editMessageReplyMarkup,
answerCallbackQuery and sendChatAction. State is kept per bot token, so one server can serve
many tests at once. Every call is recorded; the next calls of a method can be made to fail with
429 / 403 / 400 / 502. Updates pushed with `push_update` are delivered like Telegram does: to
the webhook set with setWebhook (with its secret header), else to getUpdates.

It refuses what Telegram refuses (see `fake_html`), with Telegram's status and description:
text over 4,096 UTF-16 code units or empty, a photo caption over 1,024, broken or unsupported
HTML in HTML parse mode, `callback_data` over 64 bytes, and chats the bot cannot write to — a
user who never sent it an update (403) or a group it was never added to (400). `add_chat` makes
a chat known, as adding the bot to the staff group does.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import socket
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.telegram.fake_html import (
    BotApiError,
    check_caption,
    check_chat,
    check_markup,
    check_text,
)

BOT_USERNAME = "cchc_test_bot"
# Form fields that are plain strings even when they look like JSON numbers.
STRING_FIELDS = {"text", "callback_query_id", "secret_token", "url", "parse_mode", "language_code"}
FAILURES: dict[str, tuple[int, dict[str, Any]]] = {
    "429": (
        429,
        {"description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}},
    ),
    "403": (403, {"description": "Forbidden: bot was blocked by the user"}),
    "400": (400, {"description": "Bad Request: chat not found"}),
    "502": (502, {"description": "Bad Gateway"}),
    # Answered only after `FakeBotApi.slow_seconds` (a client with a shorter read timeout gives
    # up first); the message is not delivered.
    "timeout": (504, {"description": "Gateway Timeout"}),
}
# Calls that send or change a message: they count against `rate_limit`, as on Telegram.
RATED = frozenset({"sendMessage", "sendPhoto", "editMessageText"})
TOO_FAST = (
    429,
    {"description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}},
)
_TAG = re.compile(r"<[^>]+>")


def loopback_socket() -> socket.socket:
    """A listening-to-be socket on 127.0.0.1 and a free port, for uvicorn's `sockets=`.

    It must say IPPROTO_TCP: asyncio only sets TCP_NODELAY on such sockets, and without it
    every keep-alive response stalls ~40 ms (Nagle's algorithm meets delayed ACKs).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class Call:
    """One Bot API request as the fake saw it, and what it answered."""

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Delivery:
    """One webhook POST the fake made: the update, the HTTP status it got, and when."""

    update_id: int
    status: int
    sent_at: float
    answered_at: float


@dataclass
class _Bot:
    token: str
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, deque[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)  # for getUpdates
    webhook_url: str | None = None
    webhook_secret: str | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    queue: asyncio.Queue[dict[str, Any]] | None = None
    next_message_id: int = 1000
    chats: set[int] = field(default_factory=set)  # chats the bot may write to
    recent_sends: deque[float] = field(default_factory=deque)  # for `rate_limit`
    last_to_chat: dict[int, float] = field(default_factory=dict)
    chat_bursts: int = 0  # messages to one chat less than a second after the previous one
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file_id -> (path, data)


class FakeBotApi:
    """Start with `start()` (or `with FakeBotApi() as fake:`); point PTB at `base_url`."""

    def __init__(
        self,
        webhook_workers: int = 1,
        long_poll_cap: float = 0.5,
        rate_limit: float | None = None,
        slow_seconds: float = 2.0,
    ) -> None:
        self.webhook_workers = webhook_workers
        self.long_poll_cap = long_poll_cap
        # Messages sent or edited a second per token over which Telegram answers 429 (None: no
        # limit).
        self.rate_limit = rate_limit
        self.slow_seconds = slow_seconds
        self._bots: dict[str, _Bot] = {}
        self._lock = threading.Lock()
        self._socket = loopback_socket()
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(self._app(), log_config=None, access_log=False, lifespan="off")
        )
        self._thread = threading.Thread(target=self._serve, name="fake-bot-api", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._workers: list[asyncio.Task[None]] = []
        # Called (in the fake's thread) with (token, call) after each successful call.
        self.listeners: list[Callable[[str, Call], None]] = []

    # -- lifecycle --------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """For TELEGRAM_API_BASE_URL: the token is appended by the bot."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Bot API did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        limits = httpx.Limits(max_connections=max(self.webhook_workers, 1) * 2)
        async with httpx.AsyncClient(timeout=10, limits=limits) as client:
            self._client = client
            try:
                await self._server.serve(sockets=[self._socket])
            finally:
                for worker in self._workers:
                    worker.cancel()
                await asyncio.gather(*self._workers, return_exceptions=True)

    # -- test controls (thread-safe) --------------------------------------------------------
    def calls(self, token: str, *methods: str) -> list[Call]:
        """Calls made with `token`, optionally only of these methods, oldest first."""
        with self._lock:
            found = list(self._bot(token).calls)
        return [c for c in found if not methods or c.method in methods]

    def deliveries(self, token: str) -> list[Delivery]:
        with self._lock:
            return list(self._bot(token).deliveries)

    def webhook(self, token: str) -> tuple[str | None, str | None]:
        with self._lock:
            bot = self._bot(token)
            return bot.webhook_url, bot.webhook_secret

    def fail_next(
        self, token: str, method: str, kind: str, count: int = 1, description: str | None = None
    ) -> None:
        """Answer the next `count` calls of `method` with error `kind` (429/403/400/502)."""
        status, body = FAILURES[kind]
        body = {**body, "description": description or body["description"]}
        with self._lock:
            queue = self._bot(token).failures.setdefault(method, deque())
            queue.extend([(status, body)] * count)

    def add_chat(self, token: str, chat_id: int) -> None:
        """Let the bot write to `chat_id` (a group it was added to, a user who started it)."""
        with self._lock:
            self._bot(token).chats.add(chat_id)

    def push_update(self, token: str, update: dict[str, Any]) -> None:
        """Deliver an update as Telegram would: webhook if set, else getUpdates."""
        with self._lock:
            bot = self._bot(token)
            bot.chats |= _chats_in(update)
            if bot.webhook_url is None:
                bot.pending.append(update)
                return
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._enqueue, token, update)

    # -- the HTTP side -----------------------------------------------------------------------
    def _bot(self, token: str) -> _Bot:
        if token not in self._bots:
            self._bots[token] = _Bot(token)
        return self._bots[token]

    def add_file(self, token: str, file_id: str, path: str, data: bytes) -> None:
        """A file a user sent the bot: getFile gives `path`, /file/bot<token>/<path> `data`."""
        with self._lock:
            self._bot(token).files[file_id] = (path, data)

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
            ]
        )

    async def _file(self, request: Request) -> Response:
        token, path = request.path_params["token"], request.path_params["path"]
        with self._lock:
            found = [data for p, data in self._bot(token).files.values() if p == path]
        if not found:
            return Response(b"Not Found", status_code=404)
        return Response(found[0], media_type="application/octet-stream")

    async def _endpoint(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        params = await _params(request)
        with self._lock:
            bot = self._bot(token)
            failures = bot.failures.get(method)
            failure = failures.popleft() if failures else None
            call = Call(method, params)
            bot.calls.append(call)
        if failure is None and method in RATED:
            failure = self._over_rate(bot, call.at)
        if failure is not None:
            status, body = failure
            call.status = status
            if status == FAILURES["timeout"][0]:
                await asyncio.sleep(self.slow_seconds)
            return JSONResponse({"ok": False, "error_code": status, **body}, status_code=status)
        if method == "getUpdates":
            return await self._get_updates(bot, call)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.status = 404
            body = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            return JSONResponse(body, status_code=404)
        try:
            with self._lock:
                _check(bot, method, params)
                call.result = handler(bot, params)
        except BotApiError as refused:
            call.status = refused.status
            body = {"ok": False, "error_code": refused.status, "description": refused.description}
            return JSONResponse(body, status_code=refused.status)
        if method in ("sendMessage", "sendPhoto"):
            with self._lock:
                chat = int(params["chat_id"])
                before = bot.last_to_chat.get(chat)
                bot.chat_bursts += before is not None and call.at - before < 1.0
                bot.last_to_chat[chat] = call.at
        for listener in self.listeners:
            listener(token, call)
        return JSONResponse({"ok": True, "result": call.result})

    def _over_rate(self, bot: _Bot, at: float) -> tuple[int, dict[str, Any]] | None:
        """Telegram's 429 when this token sent `rate_limit` messages in the last second."""
        if self.rate_limit is None:
            return None
        with self._lock:
            while bot.recent_sends and bot.recent_sends[0] <= at - 1.0:
                bot.recent_sends.popleft()
            if len(bot.recent_sends) >= self.rate_limit:
                return TOO_FAST
            bot.recent_sends.append(at)
        return None

    def chat_bursts(self, token: str) -> int:
        """How often one chat got two messages less than a second apart."""
        with self._lock:
            return self._bot(token).chat_bursts

    async def _get_updates(self, bot: _Bot, call: Call) -> JSONResponse:
        if bot.webhook_url is not None:
            call.status = 409
            body = {
                "ok": False,
                "error_code": 409,
                "description": "Conflict: can't use getUpdates method while webhook is active",
            }
            return JSONResponse(body, status_code=409)
        offset = int(call.params.get("offset") or 0)
        wait = min(float(call.params.get("timeout") or 0), self.long_poll_cap)
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                bot.pending = [u for u in bot.pending if u["update_id"] >= offset]
                ready = list(bot.pending)
            if ready or time.monotonic() >= deadline:
                call.result = ready
                return JSONResponse({"ok": True, "result": ready})
            await asyncio.sleep(0.005)

    # -- webhook delivery (runs in the fake's own loop) ------------------------------------
    def _enqueue(self, token: str, update: dict[str, Any]) -> None:
        bot = self._bot(token)
        if bot.queue is None:
            bot.queue = asyncio.Queue()
            for _ in range(self.webhook_workers):
                self._workers.append(asyncio.create_task(self._deliver_forever(bot)))
        bot.queue.put_nowait(update)

    async def _deliver_forever(self, bot: _Bot) -> None:
        assert bot.queue is not None
        assert self._client is not None
        while True:
            update = await bot.queue.get()
            url, secret = bot.webhook_url, bot.webhook_secret
            if url is None:
                with self._lock:
                    bot.pending.append(update)
                continue
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
            sent = time.monotonic()
            try:
                response = await self._client.post(url, json=update, headers=headers)
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            with self._lock:
                bot.deliveries.append(
                    Delivery(update["update_id"], status, sent, time.monotonic())
                )

    # -- Bot API methods ----------------------------------------------------------------------
    def _m_getMe(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return _bot_user(bot.token)

    def _m_setMyCommands(self, bot: _Bot, params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _m_deleteWebhook(self, bot: _Bot, params: dict[str, Any]) -> bool:  # noqa: N802
        bot.webhook_url = bot.webhook_secret = None
        return True

    def _m_setWebhook(self, bot: _Bot, params: dict[str, Any]) -> bool:  # noqa: N802
        bot.webhook_url = params["url"] or None
        bot.webhook_secret = params.get("secret_token")
        return True

    def _m_getWebhookInfo(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {
            "url": bot.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def _m_getFile(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        file_id = str(params.get("file_id", ""))
        if file_id not in bot.files:
            raise BotApiError(400, "Bad Request: invalid file_id")
        path, data = bot.files[file_id]
        unique = f"u{file_id}"
        return {"file_id": file_id, "file_unique_id": unique, "file_size": len(data),
                "file_path": path}  # fmt: skip

    def _m_sendMessage(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        bot.next_message_id += 1
        return _message(bot, bot.next_message_id, params)

    def _m_sendPhoto(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        bot.next_message_id += 1
        message = _message(bot, bot.next_message_id, {**params, "text": ""})
        del message["text"]
        caption = str(params.get("caption", ""))
        message["caption"] = html.unescape(_TAG.sub("", caption))
        message["photo"] = [{"file_id": str(params["photo"]), "width": 800, "height": 600}]
        return message

    def _m_editMessageText(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return _message(bot, int(params["message_id"]), params)

    def _m_editMessageReplyMarkup(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return _message(bot, int(params["message_id"]), {**params, "text": ""})

    def _m_answerCallbackQuery(self, bot: _Bot, params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _m_sendChatAction(self, bot: _Bot, params: dict[str, Any]) -> bool:  # noqa: N802
        return True


def _check(bot: _Bot, method: str, params: dict[str, Any]) -> None:
    """Refuse, as Telegram does, what it would not accept."""
    if method in (
        "sendMessage",
        "sendPhoto",
        "editMessageText",
        "editMessageReplyMarkup",
        "sendChatAction",
    ):
        check_chat(int(params["chat_id"]), bot.chats)
    if method in ("sendMessage", "editMessageText"):
        check_text(params)
    if method == "sendPhoto":
        check_caption(params)
    if method in ("sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup"):
        check_markup(params)


def _chats_in(update: dict[str, Any]) -> set[int]:
    """The chats and users an update shows the bot (it may answer them from then on)."""
    found: set[int] = set()
    for value in update.values():
        if not isinstance(value, dict):
            continue
        for holder in (value, value.get("message") or {}):
            for key in ("chat", "from"):
                if isinstance(holder.get(key), dict) and "id" in holder[key]:
                    found.add(int(holder[key]["id"]))
    return found


def _bot_user(token: str) -> dict[str, Any]:
    bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": "Trợ lý CCHC",
        "username": BOT_USERNAME,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def _message(bot: _Bot, message_id: int, params: dict[str, Any]) -> dict[str, Any]:
    chat_id = int(params["chat_id"])
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        "from": _bot_user(bot.token),
        "text": html.unescape(_TAG.sub("", str(params.get("text", "")))),
    }
    if params.get("reply_markup"):
        message["reply_markup"] = params["reply_markup"]
    return message


async def _params(request: Request) -> dict[str, Any]:
    """PTB posts url-encoded form fields with JSON-encoded values; others may post JSON."""
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        return dict(json.loads(raw)) if raw else {}
    params: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True):
        if key in STRING_FIELDS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params
