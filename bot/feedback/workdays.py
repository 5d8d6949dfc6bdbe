"""Working days: weekends and configured holidays do not count towards a due date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback.models import Holiday

OFFICE_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # Việt Nam has no daylight saving time


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date at the office for an aware UTC moment."""
    return moment.astimezone(OFFICE_TZ).date()


def is_workday(day: dt.date, holidays: Collection[dt.date]) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def add_workdays(start: dt.date, days: int, holidays: Collection[dt.date]) -> dt.date:
    """The date `days` working days after `start` (the filing day itself never counts)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_workday(day, holidays):
            remaining -= 1
    return day


def workdays_between(start: dt.date, end: dt.date, holidays: Collection[dt.date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day, holidays)
    return count


def holidays_from(session: Session, start: dt.date) -> set[dt.date]:
    """Configured holidays on or after `start` (enough for any due date from then)."""
    return set(session.scalars(select(Holiday.day).where(Holiday.day >= start)))


def due_date(session: Session, filed_at: dt.datetime, days: int) -> dt.date:
    """The answer due date for something filed at `filed_at` with `days` working days."""
    start = local_date(filed_at)
    return add_workdays(start, days, holidays_from(session, start))
