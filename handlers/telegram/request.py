"""PTB's HTTP client, posting Bot API parameters as one JSON body instead of a form."""

from __future__ import annotations

import json
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from handlers.telegram.lean import LeanClient

_DEFAULT = type(BaseRequest.DEFAULT_NONE)
JSON_HEADERS = {"User-Agent": HTTPXRequest.USER_AGENT, "Content-Type": "application/json"}


class JsonRequest(HTTPXRequest):
    """The Bot API accepts application/json for every call without files.

    PTB form-encodes each call, and httpx's form encoder quotes long texts (our KB answers)
    character by character: at a few hundred messages per second that is a sizeable share of
    the bot's CPU. Calls with files still go through PTB's own multipart path.

    The per-message calls skip PTB and httpx altogether: `post_json` (see
    `handlers.telegram.lean`), with the same timeouts and the same errors.
    """

    def __init__(self, connection_pool_size: int = 256, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=connection_pool_size, **kwargs)
        limits = self._client.timeout
        self.lean = LeanClient(
            connection_pool_size, self.USER_AGENT, limits.connect, limits.read, limits.pool
        )

    async def post_json(self, url: str, params: dict[str, Any]) -> Any:
        """POST `params` (JSON values, no files) to `url`; the decoded result."""
        return await self.lean.post(url, params)

    async def shutdown(self) -> None:
        await super().shutdown()
        await self.lean.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is None or request_data.contains_files:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,  # type: ignore[arg-type]
                write_timeout,  # type: ignore[arg-type]
                connect_timeout,  # type: ignore[arg-type]
                pool_timeout,  # type: ignore[arg-type]
            )
        client = self._client
        if client.is_closed:
            raise RuntimeError("This HTTPXRequest is not initialized!")
        defaults = client.timeout
        timeout = httpx.Timeout(
            connect=_pick(connect_timeout, defaults.connect),
            read=_pick(read_timeout, defaults.read),
            write=_pick(write_timeout, defaults.write),
            pool=_pick(pool_timeout, defaults.pool),
        )
        body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        try:
            response = await client.request(
                method, url, headers=JSON_HEADERS, content=body, timeout=timeout
            )
        except httpx.TimeoutException as error:
            raise TimedOut from error
        except httpx.HTTPError as error:
            raise NetworkError(f"httpx.{error.__class__.__name__}: {error}") from error
        return response.status_code, response.content


def _pick(given: object, default: float | None) -> float | None:
    if isinstance(given, _DEFAULT):
        return default
    assert given is None or isinstance(given, int | float)
    return given
