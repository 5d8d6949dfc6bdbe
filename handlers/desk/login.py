"""Logging in and out: CSRF-checked form, limited attempts, a new session id at every login."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.desk import audit
from bot.desk.accounts import authenticate
from bot.desk.websessions import close_session, find_session, open_session, prune
from handlers.desk.context import Desk, Endpoint, read_form, redirect
from handlers.desk.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    client_address,
    forget_cookie,
    is_secure,
    new_nonce,
    same,
    set_cookie,
)

LOGIN_COOKIE_AGE = 3600
MESSAGES = {
    "wrong": "Tên đăng nhập hoặc mật khẩu không đúng.",
    "locked": "Đăng nhập sai quá nhiều lần. Xin vui lòng thử lại sau 15 phút.",
    "csrf": "Biểu mẫu đã hết hiệu lực, xin vui lòng đăng nhập lại.",
}


def _next(value: str | None) -> str:
    """Only a path on the desk itself (no open redirect)."""
    if value and value.startswith("/admin") and not value.startswith("//"):
        return value
    return "/admin/items"


def _form(desk: Desk, request: Request, message: str = "", status: int = 200) -> Response:
    nonce = new_nonce()
    response = desk.views.page(
        "login.html",
        status,
        me=None,
        csrf=desk.keys.login_csrf(nonce),
        next=_next(request.query_params.get("next")),
        message=message,
    )
    secure = is_secure(request, desk.settings.desk_cookie_secure)
    set_cookie(response, LOGIN_COOKIE, desk.keys.sign(nonce), secure, LOGIN_COOKIE_AGE)
    return response


def login_page(desk: Desk) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        if request.method == "GET":
            return _form(desk, request)
        form = await read_form(request) or {}
        nonce = desk.keys.unsign(request.cookies.get(LOGIN_COOKIE))
        if nonce is None or not same(form.get("csrf"), desk.keys.login_csrf(nonce)):
            return _form(desk, request, MESSAGES["csrf"], 403)
        return await run_in_threadpool(_login, desk, request, form)

    return endpoint


def _login(desk: Desk, request: Request, form: dict[str, str]) -> Response:
    previous = desk.keys.unsign(request.cookies.get(SESSION_COOKIE))
    address = client_address(request)
    with desk.services.sessions.begin() as db:
        result = authenticate(db, form.get("login", ""), form.get("password", ""), address)
        opened = None if result.staff is None else open_session(db, result.staff, previous)
        prune(db)
    if opened is None:
        status = 429 if result.reason == "locked" else 401
        return _form(desk, request, MESSAGES[result.reason], status)
    response = redirect(_next(form.get("next")))
    secure = is_secure(request, desk.settings.desk_cookie_secure)
    set_cookie(response, SESSION_COOKIE, desk.keys.sign(opened.token), secure)
    forget_cookie(response, LOGIN_COOKIE, secure)
    return response


def logout_page(desk: Desk) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        form = await read_form(request) or {}
        return await run_in_threadpool(_logout, desk, request, form)

    return endpoint


def _logout(desk: Desk, request: Request, form: dict[str, str]) -> Response:
    token = desk.keys.unsign(request.cookies.get(SESSION_COOKIE))
    with desk.services.sessions.begin() as db:
        found = find_session(db, token) if token else None
        if found is not None and same(form.get("csrf"), found[0].csrf):
            audit.log(db, found[1], "logout", address=client_address(request))
            close_session(db, token or "")
        elif found is not None:
            return desk.views.page("error.html", 403, message=MESSAGES["csrf"], me=None)
    response = redirect("/admin/login")
    forget_cookie(response, SESSION_COOKIE, is_secure(request, desk.settings.desk_cookie_secure))
    return response
