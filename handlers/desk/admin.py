"""Admin-only pages: staff and their web logins, the audit log."""

from __future__ import annotations

from sqlalchemy import select
from starlette.responses import Response

from bot.desk import audit
from bot.desk.accounts import AccountError, give_login, login_of, web_staff
from bot.desk.websessions import close_all
from bot.feedback.models import ROLES, Staff
from handlers.desk.context import Ctx, redirect


def staff_page(ctx: Ctx) -> Response:
    """GET /admin/staff"""
    members = list(ctx.db.scalars(select(Staff).order_by(Staff.active.desc(), Staff.name)))
    logins = {s.id: login_of(ctx.db, s) for s in members}
    return ctx.render(
        "staff.html",
        members=members,
        logins=logins,
        roles=ROLES,
        message=ctx.query.get("message", ""),
    )


def staff_add(ctx: Ctx) -> Response:
    """POST /admin/staff: a web login for a (new) staff member, with a first password."""
    name, login = ctx.form.get("name", "").strip(), ctx.form.get("login", "")
    role = ctx.form.get("role", "staff")
    if not name or role not in ROLES:
        return redirect("/admin/staff?message=invalid")
    try:
        staff = web_staff(ctx.db, login, name[:200], role)
        give_login(ctx.db, staff, login, ctx.form.get("password", ""))
    except AccountError:
        ctx.db.rollback()
        return redirect("/admin/staff?message=invalid")
    ctx.audit("staff_add", name, f"login={login.strip().lower()} role={role}")
    return redirect("/admin/staff?message=added")


def staff_remove(ctx: Ctx) -> Response:
    """POST /admin/staff/{staff_id}/remove: stop someone acting (kept for the audit trail)."""
    raw = str(ctx.request.path_params.get("staff_id", ""))
    staff = ctx.db.get(Staff, int(raw)) if raw.isdigit() else None
    if staff is None or staff.id == ctx.staff.id:
        return redirect("/admin/staff?message=invalid")
    staff.active = False
    close_all(ctx.db, staff)
    ctx.audit("staff_remove", staff.name)
    return redirect("/admin/staff?message=removed")


def audit_page(ctx: Ctx) -> Response:
    """GET /admin/audit"""
    return ctx.render("audit.html", rows=audit.recent(ctx.db))
