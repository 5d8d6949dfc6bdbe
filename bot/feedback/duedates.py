"""The one overdue rule: a ticket still waiting for a response after its due date.

The due date is an office calendar day (Asia/Ho_Chi_Minh, UTC+7, see `workdays`); the due day
itself is still on time, so a ticket becomes overdue at midnight office time when the due day
ends. Python checks (`is_overdue`) and SQL filters (`overdue_clause`) both come from here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_

from bot.clock import now as clock_now
from bot.feedback.models import OPEN_STATUSES, Ticket
from bot.feedback.workdays import local_date


def office_today(moment: dt.datetime | None = None) -> dt.date:
    """The office's calendar date at `moment` (default: now from the core clock)."""
    return local_date(moment or clock_now())


def past_due(due: dt.date, today: dt.date) -> bool:
    """True once the due day is over: the due day itself is not overdue."""
    return today > due


def is_overdue(ticket: Ticket, today: dt.date | None = None) -> bool:
    """Still waiting for a response (new or in progress) after its due date."""
    return ticket.status in OPEN_STATUSES and past_due(ticket.due_date, today or office_today())


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """The SQL form of `is_overdue` for queries over tickets."""
    return and_(Ticket.status.in_(OPEN_STATUSES), Ticket.due_date < today)
