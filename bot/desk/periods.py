"""Report periods picked on the desk: a quarter, a half-year, a year or a date range."""

from __future__ import annotations

import datetime as dt
import re

_PERIOD = re.compile(r"^(q[1-4]|h[12]|y)-(\d{4})$")


def period(name: str) -> tuple[dt.date, dt.date] | None:
    """`q3-2026`, `h1-2026` or `y-2026` as (first day, last day); None when not one."""
    found = _PERIOD.match(name.strip().lower())
    if not found:
        return None
    kind, year = found.group(1), int(found.group(2))
    if not 2000 <= year <= 2100:
        return None
    if kind == "y":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    months = 3 if kind[0] == "q" else 6
    first_month = (int(kind[1]) - 1) * months + 1
    start = dt.date(year, first_month, 1)
    after = dt.date(year + (first_month + months > 12), (first_month + months - 1) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def current_quarter(today: dt.date) -> str:
    """The name of the quarter `today` is in."""
    return f"q{(today.month - 1) // 3 + 1}-{today.year}"


def choices(today: dt.date) -> list[tuple[str, str]]:
    """(name, Vietnamese label) for this year's and last year's periods, newest first."""
    found: list[tuple[str, str]] = []
    for year in (today.year, today.year - 1):
        found += [(f"q{q}-{year}", f"Quý {q}/{year}") for q in (4, 3, 2, 1)]
        found += [
            (f"h{h}-{year}", f"6 tháng {'đầu' if h == 1 else 'cuối'} năm {year}") for h in (2, 1)
        ]
        found.append((f"y-{year}", f"Năm {year}"))
    return found
