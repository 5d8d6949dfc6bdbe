"""Jinja2 templates with autoescaping on, Vietnamese dates, and the desk's labels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse, Response

from bot.feedback.config import REPORTED_CATEGORIES
from bot.feedback.models import STATUSES
from bot.feedback.texts import category_label, status_label
from bot.feedback.workdays import OFFICE_TZ
from handlers.desk.security import harden

TEMPLATES = Path(__file__).resolve().parent / "templates"


def vn_date(value: dt.date | dt.datetime | None) -> str:
    """DD/MM/YYYY (a moment at office time)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(OFFICE_TZ).date()
    return value.strftime("%d/%m/%Y")


def vn_moment(value: dt.datetime | None) -> str:
    """DD/MM/YYYY HH:MM at office time."""
    return value.astimezone(OFFICE_TZ).strftime("%d/%m/%Y %H:%M") if value else ""


def make_environment() -> Environment:
    """The template environment (autoescape on for every template, even .svg and .txt)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vn_date"] = vn_date
    env.filters["vn_moment"] = vn_moment
    env.globals["status_label"] = lambda s: status_label(s, "vi")
    env.globals["category_label"] = lambda c: category_label(c, "vi")
    env.globals["STATUSES"] = STATUSES
    env.globals["CATEGORIES"] = REPORTED_CATEGORIES
    return env


class Views:
    """Renders a page to an HTML response with the security headers."""

    def __init__(self, commune: str) -> None:
        self.env = make_environment()
        self.env.globals["commune"] = commune

    def page(self, name: str, status_code: int = 200, **values: Any) -> Response:
        values = {"me": None, "csrf": "", "path": "", **values}
        html = self.env.get_template(name).render(**values)
        return harden(HTMLResponse(html, status_code=status_code))
