"""The desk's audit log: every action with who, when and what."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.desk.models import DeskAudit
from bot.feedback.models import Staff
from bot.models import utcnow


def log(
    session: Session,
    staff: Staff | None,
    action: str,
    target: str = "",
    detail: str | None = None,
    address: str | None = None,
    actor: str | None = None,
) -> DeskAudit:
    """Append one audit row in the caller's transaction."""
    row = DeskAudit(
        staff_id=staff.id if staff else None,
        actor=actor or (staff.name if staff else "?"),
        action=action,
        target=target[:200],
        detail=detail,
        address=address,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def count_since(
    session: Session,
    action: str,
    since: dt.datetime,
    target: str | None = None,
    address: str | None = None,
) -> int:
    """How many `action` rows since `since`, for one target and/or one address."""
    query = (
        select(func.count())
        .select_from(DeskAudit)
        .where(DeskAudit.action == action, DeskAudit.created_at >= since)
    )
    if target is not None:
        query = query.where(DeskAudit.target == target)
    if address is not None:
        query = query.where(DeskAudit.address == address)
    return int(session.scalar(query) or 0)


def recent(session: Session, limit: int = 200) -> list[DeskAudit]:
    """The newest audit rows first."""
    query = select(DeskAudit).order_by(DeskAudit.id.desc()).limit(limit)
    return list(session.scalars(query))
