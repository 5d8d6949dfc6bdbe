"""Tracking codes such as PA-2026-000123: a per-year counter that is safe under concurrency.

The counter row is incremented with one `UPDATE … RETURNING`, so two citizens confirming at the
same moment get different numbers on PostgreSQL (row lock, held to commit) and on SQLite
(writes are serialised). The code column is also unique, as a last line of defence.
"""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.feedback.models import TicketCounter
from bot.sqlutil import insert_unless_exists

PREFIX = "PA"
# Accepts what people type or read out: "pa 2026 123", "PA-2026-000123", "PA2026000123".
_CODE = re.compile(r"\bPA[\s\-_.]?(20\d\d)[\s\-_.]?(\d{1,6})\b", re.IGNORECASE)


def format_code(year: int, number: int) -> str:
    """PA-<year>-<six digits>: letters only in the fixed prefix, easy to read aloud."""
    return f"{PREFIX}-{year}-{number:06d}"


def next_code(session: Session, year: int) -> str:
    """Allocate the next code of `year` inside the caller's transaction."""
    insert_unless_exists(session, TicketCounter, {"year": year, "last": 0}, ["year"])
    number = session.execute(
        update(TicketCounter)
        .where(TicketCounter.year == year)
        .values(last=TicketCounter.last + 1)
        .returning(TicketCounter.last)
    ).scalar_one()
    return format_code(year, number)


def find_code(text: str) -> str | None:
    """The first tracking code in `text`, normalised, or None."""
    found = _CODE.search(text)
    if found is None:
        return None
    return format_code(int(found.group(1)), int(found.group(2)))


def split_code(text: str) -> tuple[str | None, str]:
    """A code at the start of `text` and what follows it: "/traloi PA-2026-1 nội dung"."""
    found = _CODE.match(text.strip())
    if found is None:
        return None, text.strip()
    return format_code(int(found.group(1)), int(found.group(2))), text.strip()[
        found.end() :
    ].strip()


def without_codes(text: str) -> str:
    """`text` with every tracking code blanked out (what else the citizen wrote with it)."""
    return _CODE.sub(" ", text)
