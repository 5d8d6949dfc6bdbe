"""The desk's list of feedback items: filters and a search that ignores diacritics.

Search folds both the query and the item's text (`knowledge.normaliser.fold`: "ngap" finds
"ngập"). It runs in Python over the rows the SQL filters leave: a commune files a few
thousand items a year, and folding in SQL would need a second, denormalised column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback.duedates import overdue_clause
from bot.feedback.models import Staff, Ticket
from bot.feedback.reports import period_bounds
from knowledge.normaliser import fold

LIMIT = 200
UNASSIGNED = "none"


@dataclass(frozen=True)
class Filters:
    """What the list shows; empty strings mean "any"."""

    status: str = ""
    category: str = ""
    area: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    overdue: bool = False
    assignee: str = ""  # a staff id, "none" (nobody yet) or ""
    text: str = ""


def searchable(ticket: Ticket) -> str:
    """The folded text a search looks in."""
    parts = (ticket.code, ticket.description, ticket.place, ticket.name, ticket.answer)
    return fold(" ".join(p for p in parts if p))


def matches(ticket: Ticket, words: list[str]) -> bool:
    """Every folded word of the query occurs in the ticket's folded text."""
    haystack = f" {searchable(ticket)} "
    return all(word in haystack for word in words)


def find_tickets(session: Session, filters: Filters, today: dt.date) -> list[Ticket]:
    """The newest items that pass every filter (at most LIMIT)."""
    query = select(Ticket).order_by(Ticket.id.desc())
    if filters.status:
        query = query.where(Ticket.status == filters.status)
    if filters.category:
        query = query.where(Ticket.category == filters.category)
    if filters.start or filters.end:
        first, after = period_bounds(filters.start or dt.date(2000, 1, 1), filters.end or today)
        query = query.where(Ticket.created_at >= first, Ticket.created_at < after)
    if filters.overdue:
        query = query.where(overdue_clause(today))
    if filters.assignee == UNASSIGNED:
        query = query.where(Ticket.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        query = query.where(Ticket.assignee_id == int(filters.assignee))
    words = fold(filters.text).split()
    area = fold(filters.area)
    found: list[Ticket] = []
    for ticket in session.scalars(query):
        if area and area not in fold(ticket.place or ""):
            continue
        if words and not matches(ticket, words):
            continue
        found.append(ticket)
        if len(found) >= LIMIT:
            break
    return found


def staff_names(session: Session) -> dict[int, str]:
    """Every staff member's name by id (for the assignee column and filter)."""
    return {s.id: s.name for s in session.scalars(select(Staff).order_by(Staff.name))}


def active_staff(session: Session) -> list[Staff]:
    """Who may be assigned an item."""
    query = select(Staff).where(Staff.active.is_(True)).order_by(Staff.name)
    return list(session.scalars(query))
