"""Changing one's own password: every other session of that person ends."""

from __future__ import annotations

from sqlalchemy import delete
from starlette.responses import Response

from bot.desk.accounts import AccountError, change_password
from bot.desk.models import DeskSession
from handlers.desk.context import Ctx, redirect


def password_page(ctx: Ctx) -> Response:
    """GET /admin/password"""
    return ctx.render("password.html", notice=ctx.query.get("notice", ""))


def password_change(ctx: Ctx) -> Response:
    """POST /admin/password"""
    new = ctx.form.get("new", "")
    if new != ctx.form.get("again", ""):
        return redirect("/admin/password?notice=differ")
    try:
        changed = change_password(ctx.db, ctx.staff, ctx.form.get("current", ""), new)
    except AccountError:
        return redirect("/admin/password?notice=weak")
    if not changed:
        ctx.audit("password_refused")
        return redirect("/admin/password?notice=wrong")
    others = delete(DeskSession).where(
        DeskSession.staff_id == ctx.staff.id, DeskSession.id != ctx.web.id
    )
    ctx.db.execute(others)
    ctx.audit("password_changed")
    return redirect("/admin/password?notice=done")
