"""A small async client for the two Zalo endpoints we use, over httpx.

Why our own: there is no maintained, trustworthy Python SDK for Zalo OA API v3 (the official
`zalo-python-sdk` targets the retired v2 API and has not been released since 2019; the
community ones are unreviewed single-author packages), and we need two calls: send a
customer-service message and refresh the token pair. Zalo answers HTTP 200 with a non-zero
`error` for most failures, which this client turns into `ZaloError`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
SEND_PATH = "/v3.0/oa/message/cs"
REFRESH_PATH = "/v4/oa/access_token"


class ZaloError(Exception):
    """Zalo refused the call: its error code (0 means none was given) and message."""

    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code, self.message, self.status = code, message, status


class ZaloUnavailableError(Exception):
    """Zalo could not be reached, or answered something that is not a Zalo answer."""


@dataclass(frozen=True)
class Refreshed:
    """A new token pair from the OAuth server."""

    access: str
    refresh: str
    expires_in: dt.timedelta


def _json(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 500:
        raise ZaloUnavailableError(f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as error:
        raise ZaloUnavailableError(f"HTTP {response.status_code}, not JSON") from error
    if not isinstance(data, dict):
        raise ZaloUnavailableError(f"HTTP {response.status_code}, not an object")
    return data


def _error_code(data: dict[str, Any]) -> int:
    try:
        return int(data.get("error") or 0)
    except (TypeError, ValueError):
        return -1


class ZaloApi:
    """The HTTP calls; no retries, no token handling (see `handlers.zalo.messenger`)."""

    def __init__(
        self, api_base_url: str, oauth_base_url: str, client: httpx.AsyncClient | None = None
    ) -> None:
        self.api_base_url, self.oauth_base_url = api_base_url, oauth_base_url
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT)

    async def close(self) -> None:
        """Release the connections."""
        await self.client.aclose()

    async def send_text(self, access_token: str, user_id: str, text: str) -> str:
        """Send one text to `user_id`; returns Zalo's message id."""
        body = {"recipient": {"user_id": user_id}, "message": {"text": text}}
        try:
            response = await self.client.post(
                self.api_base_url + SEND_PATH, json=body, headers={"access_token": access_token}
            )
        except httpx.HTTPError as error:
            raise ZaloUnavailableError(type(error).__name__) from error
        data = _json(response)
        code = _error_code(data)
        if code != 0 or response.status_code != 200:
            raise ZaloError(code, str(data.get("message") or ""), response.status_code)
        found = data.get("data")
        return str(found.get("message_id", "")) if isinstance(found, dict) else ""

    async def refresh(self, app_id: str, app_secret: str, refresh_token: str) -> Refreshed:
        """Spend `refresh_token` for a new pair (the old refresh token is then dead)."""
        form = {"app_id": app_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
        try:
            response = await self.client.post(
                self.oauth_base_url + REFRESH_PATH, data=form, headers={"secret_key": app_secret}
            )
        except httpx.HTTPError as error:
            raise ZaloUnavailableError(type(error).__name__) from error
        data = _json(response)
        access, refresh = data.get("access_token"), data.get("refresh_token")
        if _error_code(data) != 0 or not isinstance(access, str) or not isinstance(refresh, str):
            reason = data.get("error_description") or data.get("error_name") or "no token given"
            raise ZaloError(_error_code(data), str(reason), response.status_code)
        try:
            seconds = float(data.get("expires_in") or 0)
        except (TypeError, ValueError):
            seconds = 0.0
        return Refreshed(access, refresh, dt.timedelta(seconds=seconds or 3600))
