"""Turn a confirmed draft into a ticket: code, due date, audit event and the staff-group card."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.feedback import cards, passcode, phones
from bot.feedback.codes import next_code
from bot.feedback.config import FeedbackConfig
from bot.feedback.draft import Draft
from bot.feedback.models import Ticket
from bot.feedback.tickets import CITIZEN, record
from bot.feedback.workdays import due_date, local_date
from bot.models import Contact, UnansweredQuestion, utcnow
from bot.outbox import enqueue

log = logging.getLogger(__name__)
STAFF_CHANNEL = "telegram"
STAFF_LANG = "vi"


def open_ticket(
    session: Session,
    contact: Contact,
    draft: Draft,
    lang: str,
    config: FeedbackConfig,
    staff_chat_id: int | None,
    secret: str | None = None,
) -> Ticket:
    """Create the ticket in the caller's transaction and queue its card for the staff group.

    `secret`: the passcode told to the citizen for tracking from elsewhere (its digest is kept).
    """
    now = utcnow()
    category = draft.category or "khac"
    name, phone = draft.contact_details()
    code = next_code(session, local_date(now).year)
    ticket = Ticket(
        code=code,
        passcode_hash=passcode.digest(code, secret) if secret else None,
        contact_id=contact.id,
        category=category,
        description=draft.description,
        place=draft.place or None,
        name=name,
        phone=phone,
        consent=bool(draft.consent and (name or phone)),
        attachments=list(draft.attachments),
        lang=lang,
        status="new",
        due_date=due_date(session, now, config.days_for(category)),
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    record(session, ticket, CITIZEN, "filed", None)
    if draft.question_id is not None:
        question = session.get(UnansweredQuestion, draft.question_id)
        if question is not None and question.contact_id == contact.id:
            question.status = "ticket"
    if staff_chat_id is not None:
        card = cards.card(session, ticket, STAFF_LANG, new=True)
        enqueue(session, STAFF_CHANNEL, str(staff_chat_id), [card], key=f"card:{ticket.id}")
    else:
        log.warning("STAFF_CHAT_ID is not set: no staff-group card for %s", ticket.code)
    log.info(
        "ticket %s filed by contact %s (phone %s)", ticket.code, contact.id, phones.mask(phone)
    )
    return ticket
