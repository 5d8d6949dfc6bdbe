"""Working days: weekends, public holidays and office days off do not count towards a due
date; make-up working Saturdays do.

Vietnamese public holidays (Tết and Giỗ Tổ Hùng Vương by the lunar calendar, compensatory days
off, and the weekend days worked in exchange) come from the `holidays` library; the office adds
its own days off (`holidays` table) and make-up working days (`makeup_days`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection

import holidays as public_holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback.models import Holiday, MakeupDay

OFFICE_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # Việt Nam has no daylight saving time


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date at the office for an aware UTC moment."""
    return moment.astimezone(OFFICE_TZ).date()


YEARS_AHEAD = 2  # due dates and overdue counts reach at most this far past their start


class DaysOff(frozenset[dt.date]):
    """Days off, carrying the weekend days that are worked instead (`makeup`)."""

    makeup: frozenset[dt.date] = frozenset()

    @classmethod
    def of(cls, off: set[dt.date], makeup: set[dt.date]) -> DaysOff:
        days = cls(off)
        days.makeup = frozenset(makeup)
        return days


def is_workday(day: dt.date, holidays: Collection[dt.date]) -> bool:
    """Monday to Friday and not a day off, or a make-up working day."""
    if day in holidays:
        return False
    return day.weekday() < 5 or (isinstance(holidays, DaysOff) and day in holidays.makeup)


@functools.lru_cache(maxsize=16)
def vietnam_holidays(years: range) -> dict[dt.date, str]:
    """Public holidays in Việt Nam (Vietnamese names) for `years`."""
    found = public_holidays.country_holidays("VN", years=list(years), language="vi")
    return {day: str(name) for day, name in sorted(found.items())}


@functools.lru_cache(maxsize=16)
def vietnam_weekend_workdays(years: range) -> set[dt.date]:
    """Weekend days decreed working days (in exchange for a bridge day off)."""
    found = public_holidays.country_holidays("VN", years=list(years))
    return {day for day in getattr(found, "weekend_workdays", set()) if day.year in years}


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


def holidays_from(session: Session, start: dt.date) -> DaysOff:
    """Days off on or after `start` (public and the office's), with the make-up days."""
    years = range(start.year, start.year + YEARS_AHEAD + 1)
    off = {day for day in vietnam_holidays(years) if day >= start}
    off |= set(session.scalars(select(Holiday.day).where(Holiday.day >= start)))
    makeup = {day for day in vietnam_weekend_workdays(years) if day >= start}
    makeup |= set(session.scalars(select(MakeupDay.day).where(MakeupDay.day >= start)))
    return DaysOff.of(off - makeup, makeup)


def due_date(session: Session, filed_at: dt.datetime, days: int) -> dt.date:
    """The answer due date for something filed at `filed_at` with `days` working days."""
    start = local_date(filed_at)
    return add_workdays(start, days, holidays_from(session, start))
