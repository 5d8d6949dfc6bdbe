"""A fake Zalo OpenAPI + OAuth server on 127.0.0.1, over real HTTP, for the Zalo tests.

It speaks the two endpoints the bot uses: `POST /v3.0/oa/message/cs` (header `access_token`)
and `POST /v4/oa/access_token` (form `app_id`, `grant_type=refresh_token`, `refresh_token`;
header `secret_key`). Like Zalo it answers HTTP 200 with a non-zero `error` for failures:
an unknown or expired access token (-216), a text over 2,000 characters or empty (-201), and a
refresh token that was already spent or never issued (-14014). Refresh tokens are single-use
and rotate. `fail_next` queues error answers for the next sends; every call is recorded.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.telegram.fake_bot_api import loopback_socket

APP_ID = "1234567890123456789"
APP_SECRET = "app-secret-AbCd"
OA_SECRET_KEY = "oa-secret-key-XyZ"
MAX_TEXT = 2000
ERRORS: dict[int, str] = {
    -216: "Access token is invalid",
    -201: "Parameters are invalid",
    -230: "User has not interacted with the OA in the past 7 days",
    -213: "User has not followed the OA",
    -217: "User has blocked the OA",
    -32: "Exceeded the rate limit",
    -211: "Out of quota",
}


@dataclass
class Sent:
    """One customer-service text the fake accepted."""

    user_id: str
    text: str
    at: float = field(default_factory=time.monotonic)


class FakeZalo:
    """`with FakeZalo() as fake:`; point ZALO_API_BASE_URL and ZALO_OAUTH_BASE_URL at `url`."""

    def __init__(self, refresh_delay: float = 0.0) -> None:
        self.refresh_delay = refresh_delay
        self._lock = threading.Lock()
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.spent: list[str] = []  # refresh tokens spent, in order (each at most once)
        self.refused_refreshes: list[str] = []
        self.sent: list[Sent] = []
        self.send_calls: list[dict[str, Any]] = []  # every send request, accepted or not
        self._failures: list[int] = []
        self.expires_in = "90000"
        self._socket = loopback_socket()
        self.port: int = self._socket.getsockname()[1]
        routes = [
            Route("/v3.0/oa/message/cs", self._send, methods=["POST"]),
            Route("/v4/oa/access_token", self._refresh, methods=["POST"]),
        ]
        app = Starlette(routes=routes)
        self._server = uvicorn.Server(
            uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
        )
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[self._socket])),
            name="fake-zalo",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeZalo:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Zalo server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    # -- test controls ------------------------------------------------------------------------
    def issue(self) -> tuple[str, str]:
        """A fresh valid pair, as authorising the OA gives the operator."""
        access, refresh = "acc-" + secrets.token_hex(8), "ref-" + secrets.token_hex(8)
        with self._lock:
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
        return access, refresh

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (they expired)."""
        with self._lock:
            self.access_tokens.clear()

    def fail_next(self, *codes: int) -> None:
        """The next sends answer HTTP 200 with these `error` codes, one each."""
        with self._lock:
            self._failures.extend(codes)

    def texts_to(self, user_id: str) -> list[str]:
        with self._lock:
            return [s.text for s in self.sent if s.user_id == user_id]

    # -- endpoints ----------------------------------------------------------------------------
    async def _send(self, request: Request) -> Response:
        token = request.headers.get("access_token", "")
        try:
            body = await request.json()
            user_id = str(body["recipient"]["user_id"])
            text = body["message"]["text"]
        except (ValueError, KeyError, TypeError):
            return self._error(-201, None)
        with self._lock:
            self.send_calls.append({"user_id": user_id, "text": text, "token": token})
            if token not in self.access_tokens:
                code: int | None = -216
            elif self._failures:
                code = self._failures.pop(0)
            elif not isinstance(text, str) or not text or len(text) > MAX_TEXT:
                code = -201
            else:
                code = None
                self.sent.append(Sent(user_id, text))
        if code is not None:
            return self._error(code, None)
        return JSONResponse(
            {
                "data": {"message_id": secrets.token_hex(16), "user_id": user_id},
                "error": 0,
                "message": "Success",
            }
        )

    async def _refresh(self, request: Request) -> Response:
        form = {k: v[0] for k, v in urllib.parse.parse_qs((await request.body()).decode()).items()}
        given = str(form.get("refresh_token", ""))
        if (
            request.headers.get("secret_key") != APP_SECRET
            or form.get("app_id") != APP_ID
            or form.get("grant_type") != "refresh_token"
        ):
            return JSONResponse(
                {"error": -14002, "error_name": "Invalid app", "error_description": "bad app"}
            )
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        with self._lock:
            if given not in self.refresh_tokens:
                self.refused_refreshes.append(given)
                return JSONResponse(
                    {
                        "error": -14014,
                        "error_name": "Invalid refresh token",
                        "error_description": "Refresh token is invalid or was used",
                    }
                )
            self.refresh_tokens.discard(given)
            self.spent.append(given)
            access, refresh = "acc-" + secrets.token_hex(8), "ref-" + secrets.token_hex(8)
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
        return JSONResponse(
            {"access_token": access, "refresh_token": refresh, "expires_in": self.expires_in}
        )

    @staticmethod
    def _error(code: int, _data: object) -> Response:
        return JSONResponse({"error": code, "message": ERRORS.get(code, "error")})
