"""A webhook route answered by a plain ASGI callable, ahead of Starlette's request stack.

Every citizen's message arrives as one webhook POST. Through Starlette that request passes
two middlewares, the router's route scan, a `Request` and a `JSONResponse`: about as much CPU
as committing the update. `RawRoute` is still a Starlette route (GET, HEAD and the like go
through it as before: 405), but `Server` hands a POST to its path straight to the raw
callable, which reads the body and the one header it needs from the ASGI scope.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# (the request's headers, lowercase names, and its body or None when it was too large)
# -> (status, JSON body)
Handler = Callable[[list[tuple[bytes, bytes]], bytes | None], Awaitable[tuple[int, Any]]]


def json_body(content: Any) -> bytes:
    """What Starlette's `JSONResponse` would send for `content` (byte for byte)."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode()


def header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The first value of header `name` (lowercase), decoded as Latin-1 like Starlette does."""
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None once it passes `limit` bytes (the rest is not kept)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks) if size <= limit else None


class RawRoute(Route):
    """POST `path` by `handler`, raw; the same handler behind a Starlette route for the rest
    (requests that reach the route without `Server`, e.g. an app mounted elsewhere)."""

    def __init__(self, path: str, handler: Handler, limit: int) -> None:
        self.handler, self.limit = handler, limit

        async def endpoint(request: Request) -> Response:
            body = await request.body()
            status, content = await handler(
                list(request.scope["headers"]), body if len(body) <= limit else None
            )
            return Response(json_body(content), status, media_type="application/json")

        super().__init__(path, endpoint, methods=["POST"])

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a POST straight from the ASGI scope."""
        body = await read_body(receive, self.limit)
        status, content = await self.handler(scope["headers"], body)
        payload = json_body(content)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-length", str(len(payload)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


class Server(Starlette):
    """The server's Starlette app; POSTs to a `RawRoute`'s path skip the request stack."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.raw = {
            route.path: route for route in kwargs.get("routes", ()) if isinstance(route, RawRoute)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            route = self.raw.get(scope["path"])
            if route is not None:
                await route.serve(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
