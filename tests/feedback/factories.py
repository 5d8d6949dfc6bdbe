"""Tickets made directly in the database, at any status, for rule tests."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from bot.feedback.models import Ticket
from bot.models import Contact

_numbers = itertools.count(1)


def make_ticket(
    session: Session,
    status: str = "new",
    due: dt.date = dt.date(2026, 11, 30),
    **fields: object,
) -> Ticket:
    """A ticket from a new console contact, flushed so it has an id."""
    number = next(_numbers)
    contact = Contact(channel="console", external_id=f"factory-{number}")
    session.add(contact)
    session.flush()
    ticket = Ticket(
        code=f"PA-2026-{900000 + number:06d}",
        contact_id=contact.id,
        category="khac",
        description="Đường làng bị ngập.",
        status=status,
        due_date=due,
        **fields,
    )
    session.add(ticket)
    session.flush()
    return ticket
