"""Announcements: create, edit, preview, confirm, cancel — staff only, every action audited.

Helpers take the caller's session and flush, never commit. `confirm` makes a draft `running`
(or `scheduled` when it has a send time still ahead); the expander (`bot.broadcast.expander`)
then turns the audience into outbox rows batch by batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.broadcast import subscribers
from bot.broadcast.chat import UNSUBSCRIBE
from bot.broadcast.models import (
    CANCELLED,
    DRAFT,
    RUNNING,
    SCHEDULED,
    Announcement,
    AnnouncementEvent,
)
from bot.broadcast.texts import text as say
from bot.delivery import PHOTO, PHOTO_LINE
from bot.feedback.models import Staff
from bot.messages import Button, Reply
from bot.models import utcnow
from bot.outbox import CANCELLED as ROW_CANCELLED
from bot.outbox import PENDING, URGENT, OutboxMessage, enqueue
from bot.sqlutil import rowcount

MAX_TEXT = 3500  # leaves room under Telegram's 4,096 for the link, picture and footer lines
CANCELLABLE = (DRAFT, SCHEDULED, RUNNING)


class NotAllowedError(Exception):
    """The person is not active staff, or the announcement cannot take this action now."""


@dataclass(frozen=True)
class Draft:
    """What staff typed, before it is stored."""

    text: str
    link: str | None = None
    image_url: str | None = None
    topics: Sequence[str] = ()
    areas: Sequence[str] = ()
    send_at: dt.datetime | None = None
    kind: str = "announcement"


def staff_for(session: Session, channel: str, user_id: str) -> Staff:
    """The active staff member (channel, platform user id), else NotAllowedError."""
    staff = session.scalars(
        select(Staff).where(
            Staff.channel == channel, Staff.external_id == user_id, Staff.active.is_(True)
        )
    ).one_or_none()
    if staff is None:
        raise NotAllowedError("only registered staff may broadcast")
    return staff


def audit(
    session: Session, item: Announcement, staff: Staff, action: str, note: str | None = None
) -> None:
    """One row of the trail."""
    session.add(
        AnnouncementEvent(
            announcement_id=item.id, actor=staff.name, staff_id=staff.id, action=action, note=note
        )
    )


def create(session: Session, staff: Staff, draft: Draft) -> Announcement:
    """A new draft announcement."""
    body = draft.text.strip()
    if not body or len(body) > MAX_TEXT:
        raise NotAllowedError(f"the text must have 1 to {MAX_TEXT} characters")
    item = Announcement(
        kind=draft.kind,
        text=body,
        link=draft.link,
        image_url=draft.image_url,
        topics=list(draft.topics),
        areas=list(draft.areas),
        send_at=draft.send_at,
        status=DRAFT,
        created_by=staff.name,
        staff_id=staff.id,
    )
    session.add(item)
    session.flush()
    audit(session, item, staff, "create")
    session.flush()
    return item


def edit(session: Session, staff: Staff, item: Announcement, body: str) -> None:
    """New text for a draft."""
    if item.status != DRAFT:
        raise NotAllowedError("only a draft can be edited")
    if not body.strip() or len(body) > MAX_TEXT:
        raise NotAllowedError(f"the text must have 1 to {MAX_TEXT} characters")
    item.text, item.version = body.strip(), item.version + 1
    audit(session, item, staff, "edit")
    session.flush()


def confirm(session: Session, staff: Staff, item: Announcement, now: dt.datetime) -> str:
    """Send it: `running` now, or `scheduled` for its send time. Returns the new status."""
    if item.status != DRAFT:
        raise NotAllowedError(f"announcement {item.id} is {item.status}, not a draft")
    later = item.send_at is not None and item.send_at > now
    _move(session, item, DRAFT, SCHEDULED if later else RUNNING, now)
    if not later:  # the figure progress is measured against, taken when sending starts
        item.audience_size = subscribers.audience_size(session, item.topics, item.areas)
    audit(session, item, staff, "schedule" if later else "start")
    session.flush()
    return item.status


def cancel(session: Session, staff: Staff, item: Announcement, now: dt.datetime) -> int:
    """Stop it while draft, scheduled or running; rows not yet sent are cancelled. Returns how
    many recipients will not get it."""
    if item.status not in CANCELLABLE:
        raise NotAllowedError(f"announcement {item.id} is {item.status}")
    _move(session, item, item.status, CANCELLED, now)
    dropped = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.announcement_id == item.id, OutboxMessage.status == PENDING)
        .values(status=ROW_CANCELLED, lease_until=None)
    )
    audit(session, item, staff, "cancel")
    session.flush()
    return rowcount(dropped)


def _move(session: Session, item: Announcement, seen: str, to: str, now: dt.datetime) -> None:
    """Change the status only if nobody else did meanwhile (optimistic lock on `version`)."""
    moved = session.execute(
        update(Announcement)
        .where(
            Announcement.id == item.id,
            Announcement.status == seen,
            Announcement.version == item.version,
        )
        .values(
            status=to,
            version=item.version + 1,
            started_at=now if to == RUNNING else Announcement.started_at,
            finished_at=now if to == CANCELLED else Announcement.finished_at,
        )
    )
    if rowcount(moved) != 1:
        raise NotAllowedError(f"announcement {item.id} was changed meanwhile; look again")
    session.refresh(item)


def preview(session: Session, staff: Staff, item: Announcement) -> None:
    """Send the announcement, as subscribers will see it, to the staff member's own chat."""
    enqueue(
        session,
        staff.channel,
        staff.external_id,
        [render(item, "vi")],
        key=f"preview:{item.id}:{item.version}:{staff.id}:{utcnow().timestamp()}",
        priority=URGENT,
    )
    audit(session, item, staff, "preview")
    session.flush()


def render(item: Announcement, lang: str, commune: str | None = None) -> Reply:
    """The message a subscriber receives, with the one-tap unsubscribe button."""
    lines = [item.text]
    meta: dict[str, str] = {}
    if item.link:
        lines.append(say("link", lang, link=item.link))
    if item.image_url:
        lines.append(say("image", lang, url=item.image_url))
        meta = {PHOTO: item.image_url, PHOTO_LINE: lines[-1]}  # Telegram: a photo, captioned
    if commune:
        lines.append(say("footer", lang, name=commune))
    button = Button(say("button.unsubscribe", lang), f"{UNSUBSCRIBE}:{item.id}")
    return Reply("\n\n".join(lines), ((button,),), meta)


def by_id(session: Session, announcement_id: int) -> Announcement:
    """The announcement, else NotAllowedError."""
    item = session.get(Announcement, announcement_id)
    if item is None:
        raise NotAllowedError(f"no announcement {announcement_id}")
    return item
