"""Cookies, CSRF tokens and response headers of the desk.

Why itsdangerous and our own session rows rather than Starlette's SessionMiddleware: that
middleware keeps the whole session in the cookie, so a session cannot be revoked on logout or
when staff are removed, is not re-issued at login (fixation), and only expires by cookie age;
it would also wrap every route of the app, webhooks included. Here the cookie holds a random
token signed with itsdangerous, and the session lives in `desk_sessions` (bot/desk/websessions).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, Signer
from starlette.requests import Request
from starlette.responses import Response

from bot.desk.websessions import LIFETIME

SESSION_COOKIE = "cchc_desk"
LOGIN_COOKIE = "cchc_desk_login"  # before login: a nonce the login form's CSRF token is tied to
PATH = "/admin"
HEADERS = {
    # No script at all on the desk: whatever slips into a page cannot run.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Keys:
    """Signs cookie values and derives the login form's CSRF token."""

    def __init__(self, secret: str) -> None:
        self._signer = Signer(secret, salt="cchc-desk-cookie")
        self._secret = secret.encode()

    def sign(self, value: str) -> str:
        return self._signer.sign(value).decode()

    def unsign(self, value: str | None) -> str | None:
        """The signed value, or None when missing or tampered with."""
        if not value:
            return None
        try:
            return self._signer.unsign(value).decode()
        except BadSignature:
            return None

    def login_csrf(self, nonce: str) -> str:
        return hmac.new(self._secret, b"login:" + nonce.encode(), hashlib.sha256).hexdigest()


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a submitted token."""
    return bool(given) and hmac.compare_digest(str(given), expected)


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def is_secure(request: Request, configured: bool | None) -> bool:
    """Secure cookies when configured, else whenever the request came over HTTPS."""
    return configured if configured is not None else request.url.scheme == "https"


def set_cookie(
    response: Response, name: str, value: str, secure: bool, max_age: int | None = None
) -> None:
    """A signed, HttpOnly, SameSite=Lax cookie for /admin only."""
    response.set_cookie(
        name,
        value,
        max_age=max_age if max_age is not None else int(LIFETIME.total_seconds()),
        path=PATH,
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def forget_cookie(response: Response, name: str, secure: bool) -> None:
    response.delete_cookie(name, path=PATH, secure=secure, httponly=True, samesite="lax")


def harden(response: Response) -> Response:
    """Add the desk's security headers."""
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    return response


def client_address(request: Request) -> str:
    """The caller's address (what uvicorn saw, after its trusted-proxy handling)."""
    return request.client.host if request.client else "?"
