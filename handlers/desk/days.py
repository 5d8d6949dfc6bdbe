"""Admin page: public holidays (from `holidays`), office days off and make-up working days."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from starlette.responses import Response

from bot.feedback.duedates import office_today
from bot.feedback.models import Holiday, MakeupDay
from bot.feedback.workdays import vietnam_holidays, vietnam_weekend_workdays
from handlers.desk.context import Ctx, redirect


def days_page(ctx: Ctx) -> Response:
    """GET /admin/days"""
    today = office_today()
    years = range(today.year, today.year + 2)
    return ctx.render(
        "days.html",
        public=vietnam_holidays(years),
        public_workdays=sorted(vietnam_weekend_workdays(years)),
        office=list(ctx.db.scalars(select(Holiday).order_by(Holiday.day))),
        makeup=list(ctx.db.scalars(select(MakeupDay).order_by(MakeupDay.day))),
        notice=ctx.query.get("notice", ""),
    )


def _day(value: str) -> dt.date | None:
    """DD/MM/YYYY (as typed) or YYYY-MM-DD (the remove buttons)."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def day_add(ctx: Ctx) -> Response:
    """POST /admin/days: an office day off (`off`) or a make-up working day (`makeup`)."""
    day, name = _day(ctx.form.get("day", "")), ctx.form.get("name", "").strip()[:200]
    kind = ctx.form.get("kind", "")
    if day is None or not name or kind not in ("off", "makeup"):
        return redirect("/admin/days?notice=invalid")
    if kind == "makeup" and day.weekday() < 5:
        return redirect("/admin/days?notice=weekday")
    if kind == "off":
        holiday = ctx.db.get(Holiday, day) or Holiday(day=day)
        holiday.name = name
        ctx.db.add(holiday)
    else:
        makeup = ctx.db.get(MakeupDay, day) or MakeupDay(day=day)
        makeup.name = name
        ctx.db.add(makeup)
    ctx.audit(f"day_{kind}", day.isoformat(), name)
    return redirect("/admin/days?notice=saved")


def day_remove(ctx: Ctx) -> Response:
    """POST /admin/days/remove: the day is an ordinary day again."""
    day = _day(ctx.form.get("day", ""))
    if day is not None:
        for model in (Holiday, MakeupDay):
            row = ctx.db.get(model, day)
            if row is not None:
                ctx.db.delete(row)
        ctx.audit("day_remove", day.isoformat())
    return redirect("/admin/days?notice=removed")
