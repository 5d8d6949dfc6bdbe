"""The desk's routes, mounted at /admin by `cchc-bot serve`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.runtime import Services
from handlers.channel import FileSource
from handlers.desk import admin, broadcasts, dashboard, days, gaps, items, password, reports
from handlers.desk.context import Ctx, Desk, guarded, random_key, redirect
from handlers.desk.files import file_endpoint
from handlers.desk.login import login_page, logout_page
from handlers.desk.security import Keys

STATIC = Path(__file__).resolve().parent / "static"


def _home(_ctx: Ctx) -> Response:
    return redirect("/admin/items")


def desk_routes(
    services: Services, files: Mapping[str, FileSource] | None = None
) -> list[BaseRoute]:
    """Every /admin route; staff pages need a login, admin pages the admin role. `files`: how
    to fetch a citizen's attachment, per channel."""
    key = services.settings.desk_secret_key
    desk = Desk(services, Keys(key.get_secret_value() if key else random_key()))
    get, post = ["GET"], ["POST"]
    pages: list[BaseRoute] = [
        Route("/login", login_page(desk), methods=["GET", "POST"]),
        Route("/logout", logout_page(desk), methods=post),
        Route("/", guarded(desk, _home), methods=get),
        Route("/items", guarded(desk, items.list_items), methods=get),
        Route("/items/{ticket_id}", guarded(desk, items.item_page), methods=get),
        Route("/items/{ticket_id}/act", guarded(desk, items.item_action), methods=post),
        Route("/items/{ticket_id}/files/{index}", file_endpoint(desk, files or {}), methods=get),
        Route("/gaps", guarded(desk, gaps.gaps_page), methods=get),
        Route("/gaps/mark", guarded(desk, gaps.gap_mark), methods=post),
        Route("/gaps/draft", guarded(desk, gaps.gap_draft), methods=get),
        Route("/kb/reload", guarded(desk, gaps.kb_reload, "admin"), methods=post),
        Route("/try", guarded(desk, gaps.try_page), methods=get),
        Route("/broadcasts", guarded(desk, broadcasts.list_page), methods=get),
        Route("/broadcasts/new", guarded(desk, broadcasts.compose_page), methods=get),
        Route("/broadcasts/new", guarded(desk, broadcasts.compose_submit), methods=post),
        Route(
            "/broadcasts/{announcement_id:int}", guarded(desk, broadcasts.detail_page), methods=get
        ),
        Route(
            "/broadcasts/{announcement_id:int}/act", guarded(desk, broadcasts.act), methods=post
        ),
        Route("/password", guarded(desk, password.password_page), methods=get),
        Route("/password", guarded(desk, password.password_change), methods=post),
        Route("/dashboard", guarded(desk, dashboard.dashboard_page), methods=get),
        Route("/reports", guarded(desk, reports.reports_page), methods=get),
        Route("/staff", guarded(desk, admin.staff_page, "admin"), methods=get),
        Route("/staff", guarded(desk, admin.staff_add, "admin"), methods=post),
        Route(
            "/staff/{staff_id}/remove", guarded(desk, admin.staff_remove, "admin"), methods=post
        ),
        Route("/audit", guarded(desk, admin.audit_page, "admin"), methods=get),
        Route("/days", guarded(desk, days.days_page, "admin"), methods=get),
        Route("/days", guarded(desk, days.day_add, "admin"), methods=post),
        Route("/days/remove", guarded(desk, days.day_remove, "admin"), methods=post),
        Mount("/static", StaticFiles(directory=STATIC), name="desk-static"),
    ]
    return [Mount("/admin", routes=pages)]
