"""Small factories for the broadcast tests: citizens who subscribed, staff, announcements."""

from __future__ import annotations

from sqlalchemy import select

from bot.broadcast import announcements, subscribers
from bot.broadcast.announcements import Draft
from bot.broadcast.models import Announcement
from bot.feedback.models import Staff
from bot.messages import Inbound, Reply
from bot.models import Contact, utcnow
from bot.runtime import Services


def say(
    services: Services, user: str, text: str = "", channel: str = "test", **kw: str
) -> list[Reply]:
    return services.assistant.handle(Inbound(channel, user, text=text, **kw))


def press(services: Services, user: str, payload: str, channel: str = "test") -> list[Reply]:
    return services.assistant.handle(Inbound(channel, user, payload=payload))


def add_subscribers(
    services: Services,
    count: int,
    *,
    channel: str = "console",
    area: str | None = None,
    topics: tuple[str, ...] = (),
    start: int = 0,
) -> list[str]:
    """`count` contacts on `channel` who subscribed (ids `s<start>`…), straight in the database."""
    ids = [f"{start + n}" for n in range(count)]
    with services.sessions.begin() as session:
        contacts = [Contact(channel=channel, external_id=i, subscribed=True) for i in ids]
        session.add_all(contacts)
        session.flush()
        for contact in contacts:
            if area is not None:
                subscribers.set_area(session, contact.id, area)
            for topic in topics:
                subscribers.toggle_topic(session, contact.id, topic)
    return ids


def add_staff(services: Services, user: str = "900", channel: str = "console") -> None:
    with services.sessions.begin() as session:
        session.add(Staff(channel=channel, external_id=user, name="Chị Lan", role="staff"))


def start_announcement(
    services: Services,
    text: str = "Từ ngày 15/12, Bộ phận Một cửa làm việc cả sáng thứ Bảy.",
    staff_user: str = "900",
    staff_channel: str = "console",
    **draft: object,
) -> int:
    """A confirmed (running) announcement by the staff member; its id."""
    with services.sessions.begin() as session:
        staff = announcements.staff_for(session, staff_channel, staff_user)
        item = announcements.create(session, staff, Draft(text=text, **draft))  # type: ignore[arg-type]
        announcements.confirm(session, staff, item, utcnow())
        return item.id


def announcement(services: Services, announcement_id: int) -> Announcement:
    with services.sessions() as session:
        item = session.scalars(
            select(Announcement).where(Announcement.id == announcement_id)
        ).one()
        session.expunge(item)
        return item
