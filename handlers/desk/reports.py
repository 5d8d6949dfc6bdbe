"""Reports on the desk: pick a period, read the tables on the page, download CSV or XLSX.

The figures and the files come from the same code as `cchc-bot report` (bot/feedback/reports,
report_files).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from starlette.responses import Response

from bot.desk.periods import choices, current_quarter, period
from bot.feedback.duedates import office_today
from bot.feedback.report_files import title, write_csv, write_xlsx
from bot.feedback.reports import Percent, build_report
from handlers.desk.context import Ctx
from handlers.desk.security import harden
from handlers.desk.views import vn_date

MAX_DAYS = 3 * 366
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parse(value: str) -> dt.date | None:
    """DD/MM/YYYY (as typed) or YYYY-MM-DD (in links)."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def chosen_period(query: dict[str, str], today: dt.date) -> tuple[dt.date, dt.date, str]:
    """The period asked for (a named one, else a valid range, else this quarter)."""
    name = query.get("period", "")
    start, end = _parse(query.get("from", "")), _parse(query.get("to", ""))
    if name != "range" and (named := period(name)):
        return named[0], named[1], name
    if start and end and start <= end and (end - start).days <= MAX_DAYS:
        return start, end, "range"
    quarter = current_quarter(today)
    bounds = period(quarter)
    assert bounds is not None
    return bounds[0], bounds[1], quarter


def cell(value: object) -> str:
    """A report value as the page shows it."""
    if value is None:
        return "—"
    if isinstance(value, Percent):
        return f"{value * 100:.1f}%"
    if isinstance(value, dt.date):
        return vn_date(value)
    return str(value)


def reports_page(ctx: Ctx) -> Response:
    """GET /admin/reports[?period=…|from=…&to=…][&format=csv|xlsx]"""
    today = office_today()
    start, end, name = chosen_period(ctx.query, today)
    report = build_report(ctx.db, start, end, today)
    fmt = ctx.query.get("format", "")
    filename = f"bao-cao-phan-anh-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt in ("csv", "xlsx"):
        ctx.audit("report_download", f"{start.isoformat()}..{end.isoformat()}", fmt)
    if fmt == "csv":
        text = io.StringIO()
        write_csv(report, text)
        body = "\ufeff" + text.getvalue()  # a BOM: Excel then reads Vietnamese correctly
        return _download(body.encode("utf-8"), "text/csv; charset=utf-8", f"{filename}.csv")
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.xlsx"
            write_xlsx(report, path)
            return _download(path.read_bytes(), XLSX, f"{filename}.xlsx")
    return ctx.render(
        "reports.html",
        report=report,
        heading=title(report),
        cell=cell,
        choices=choices(today),
        period_name=name,
        start=start,
        end=end,
    )


def _download(body: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return harden(Response(body, media_type=media_type, headers=headers))
