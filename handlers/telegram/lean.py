"""The hot path's Bot API client: a JSON body in, the decoded result out, PTB's own errors.

Every handled message costs one Bot API call (sendMessage, editMessageText or
answerCallbackQuery). Through PTB's request object and httpx that call was the largest share of
the bot's CPU after the database (~1.7 ms per call measured with py-spy: httpx's request and
response models, httpcore's pool, h11's pure-Python parser). aiohttp keeps a connection pool
too but parses HTTP in C: the same call costs a fraction of it. PTB's other calls (getUpdates,
setWebhook, getMe, files) stay on its httpx request.

Errors are PTB's, mapped as `telegram.request.BaseRequest` maps them, so the retry policy, the
adapter and the outbox see exactly what they saw before: `RetryAfter` (429 with retry_after),
`ChatMigrated`, `Forbidden` (403), `InvalidToken` (401/404), `BadRequest` (400), `Conflict`
(409), `NetworkError` (5xx, connection errors), `TimedOut` (timeouts).
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any, NoReturn

import aiohttp
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)


class LeanClient:
    """One aiohttp session (made on first use, inside the running loop), closed by `close`."""

    def __init__(
        self,
        connections: int,
        user_agent: str,
        connect: float | None = 5.0,
        read: float | None = 5.0,
        pool: float | None = 1.0,
    ) -> None:
        self.connections = connections
        self.headers = {"User-Agent": user_agent, "Content-Type": "application/json"}
        waiting = None if connect is None or pool is None else connect + pool
        self.timeout = aiohttp.ClientTimeout(
            total=None, connect=waiting, sock_connect=connect, sock_read=read
        )
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections),
                timeout=self.timeout,
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none
            )
        return self._session

    async def post(self, url: str, params: dict[str, Any]) -> Any:
        """POST `params` as JSON to `url`; the call's `result`, or the PTB error for it."""
        body = json.dumps(params, ensure_ascii=False).encode()
        try:
            async with self._open().post(url, data=body, headers=self.headers) as response:
                code, payload = response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class only: aiohttp's messages may carry the URL, and the URL the token.
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error
        if not HTTPStatus.OK <= code <= 299:
            raise_for(code, payload)
        return _decode(payload)["result"]

    async def close(self) -> None:
        """Close the connections (safe to call twice, or before any use)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
            await asyncio.sleep(0)  # let the connector's transports finish closing
        self._session = None


def _decode(payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except ValueError as error:
        raise TelegramError("Invalid server response") from error
    if not isinstance(data, dict):
        raise TelegramError("Invalid server response")
    return data


def raise_for(code: int, payload: bytes) -> NoReturn:
    """The error PTB raises for a non-2xx Bot API answer (`BaseRequest._request_wrapper`)."""
    try:
        message = f"{HTTPStatus(code).phrase} ({code})"
    except ValueError:
        message = f"Unknown HTTPError ({code})"
    parsing: TelegramError | None = None
    try:
        data = _decode(payload)
    except TelegramError as error:
        message += f". Parsing the server response {payload!r} failed"
        parsing = error
    else:
        message = data.get("description") or message
        parameters = data.get("parameters")
        if parameters:
            migrate_to = parameters.get("migrate_to_chat_id")
            if migrate_to:
                raise ChatMigrated(migrate_to)
            retry_after = parameters.get("retry_after")
            if retry_after:
                raise RetryAfter(retry_after)
            message += f". The server response contained unknown parameters: {parameters}"
    exception: TelegramError
    if code == HTTPStatus.FORBIDDEN:
        exception = Forbidden(message)
    elif code in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        exception = InvalidToken(message)
    elif code == HTTPStatus.BAD_REQUEST:
        exception = BadRequest(message)
    elif code == HTTPStatus.CONFLICT:
        exception = Conflict(message)
    else:
        exception = NetworkError(message)
    if parsing is not None:
        raise exception from parsing
    raise exception
