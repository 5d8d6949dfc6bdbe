"""One desk request: read the form, open one transaction, check the session, role and CSRF
token, then run the page's handler (a plain function, in a worker thread)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.config import Settings
from bot.desk import audit
from bot.desk.models import DeskSession
from bot.desk.websessions import find_session
from bot.feedback.models import Staff
from bot.runtime import Services
from handlers.desk.security import SESSION_COOKIE, Keys, client_address, harden, same
from handlers.desk.views import Views

log = logging.getLogger(__name__)
MAX_FORM = 64 * 1024  # bytes: a reply or a reason, never a file
Endpoint = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")


@dataclass
class Desk:
    """What every desk page needs: the services, the signing keys, the templates."""

    services: Services
    keys: Keys
    views: Views = field(init=False)

    def __post_init__(self) -> None:
        kb = self.services.matcher.kb
        self.views = Views(kb.locality_value("commune.name", "vi") or "Ủy ban nhân dân xã")

    @property
    def settings(self) -> Settings:
        return self.services.settings


@dataclass
class Ctx:
    """A logged-in request: the database session (one transaction), who, and the form."""

    desk: Desk
    request: Request
    form: dict[str, str]
    db: Session
    staff: Staff
    web: DeskSession

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params)

    def render(self, name: str, status_code: int = 200, **values: Any) -> Response:
        """A page with the navigation, the user and the CSRF token filled in."""
        return self.desk.views.page(
            name,
            status_code,
            me=self.staff,
            csrf=self.web.csrf,
            path=self.request.url.path,
            **values,
        )

    def audit(self, action: str, target: str = "", detail: str | None = None) -> None:
        audit.log(self.db, self.staff, action, target, detail, client_address(self.request))


def redirect(url: str) -> Response:
    """303 See Other: after a POST the browser GETs the page again."""
    return harden(RedirectResponse(url, status_code=303))


async def read_form(request: Request) -> dict[str, str] | None:
    """An urlencoded form (None when too large or not a form)."""
    if request.method != "POST":
        return {}
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    length = request.headers.get("content-length", "0")
    if kind != "application/x-www-form-urlencoded" or not length.isdigit():
        return None
    if int(length) > MAX_FORM:
        return None
    body = b""
    async for chunk in request.stream():  # never more than MAX_FORM in memory
        body += chunk
        if len(body) > MAX_FORM:
            return None
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def guarded(desk: Desk, handler: Callable[[Ctx], Response], role: str = "staff") -> Endpoint:
    """An endpoint that only a logged-in staff member (of `role`, if admin) reaches."""

    async def endpoint(request: Request) -> Response:
        form = await read_form(request)
        if form is None:
            return desk.views.page("error.html", 400, message="Yêu cầu không hợp lệ.")
        response: Response = await run_in_threadpool(_serve, desk, request, form, handler, role)
        return response

    return endpoint


async def checked(
    desk: Desk, request: Request, handler: Callable[[Ctx], T], role: str = "staff"
) -> T | Response:
    """For GET endpoints that finish outside the transaction (e.g. fetch a file): the login
    and role checks, then `handler` in its transaction; a refusal comes back as a Response."""

    def work() -> T | Response:
        found: T | Response = _serve(desk, request, {}, handler, role)
        return found

    return await run_in_threadpool(work)


def _serve(
    desk: Desk,
    request: Request,
    form: dict[str, str],
    handler: Callable[[Ctx], Any],
    role: str,
) -> Any:  # what `handler` returns, or a refusal Response
    token = desk.keys.unsign(request.cookies.get(SESSION_COOKIE))
    with desk.services.sessions.begin() as db:
        found = find_session(db, token) if token else None
        if found is None:
            if request.method == "GET":
                return redirect(f"/admin/login?next={quote(request.url.path)}")
            return desk.views.page("error.html", 401, message="Phiên làm việc đã hết hạn.")
        web, staff = found
        address = client_address(request)
        if role == "admin" and staff.role != "admin":
            audit.log(db, staff, "forbidden", request.url.path, address=address)
            message = "Trang này chỉ dành cho quản trị viên."
            return desk.views.page("error.html", 403, message=message, me=staff, csrf=web.csrf)
        if request.method == "POST" and not same(form.get("csrf"), web.csrf):
            audit.log(db, staff, "csrf_refused", request.url.path, address=address)
            message = "Biểu mẫu đã hết hiệu lực, xin tải lại trang và thử lại."
            return desk.views.page("error.html", 403, message=message, me=staff, csrf=web.csrf)
        return handler(Ctx(desk, request, form, db, staff, web))


def random_key() -> str:
    """A signing key for one run when DESK_SECRET_KEY is unset."""
    return secrets.token_urlsafe(32)
