"""The report's communication section: announcements sent, people reached, subscriptions and
unsubscriptions, month by month (office time), with a total."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.broadcast.models import Announcement, SubscriptionEvent
from bot.feedback.workdays import OFFICE_TZ
from bot.outbox import SENT, OutboxMessage

TITLE = "Truyền thông"
HEADERS = ["Tháng", "Số thông báo đã gửi", "Lượt người nhận", "Đăng ký mới", "Hủy đăng ký"]


def _month(moment: dt.datetime) -> str:
    return moment.astimezone(OFFICE_TZ).strftime("%m/%Y")


def _months(start: dt.date, end: dt.date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day.strftime("%m/%Y"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _by_month(moments: Iterable[dt.datetime | None]) -> Counter[str]:
    return Counter(_month(m) for m in moments if m is not None)


def communication_rows(
    session: Session, start: dt.date, end: dt.date, first: dt.datetime, after: dt.datetime
) -> list[list[str | int]]:
    """One row per month from `start` to `end` (`first`/`after`: the same period in UTC)."""
    started = _by_month(
        session.scalars(
            select(Announcement.started_at).where(
                Announcement.started_at >= first, Announcement.started_at < after
            )
        )
    )
    reached = _by_month(
        session.scalars(
            select(OutboxMessage.sent_at).where(
                OutboxMessage.announcement_id.is_not(None),
                OutboxMessage.status == SENT,
                OutboxMessage.sent_at >= first,
                OutboxMessage.sent_at < after,
            )
        )
    )
    events = session.execute(
        select(SubscriptionEvent.action, SubscriptionEvent.created_at).where(
            SubscriptionEvent.created_at >= first, SubscriptionEvent.created_at < after
        )
    ).all()
    joined = _by_month(at for action, at in events if action == "subscribe")
    left = _by_month(at for action, at in events if action == "unsubscribe")
    rows: list[list[str | int]] = [
        [month, started[month], reached[month], joined[month], left[month]]
        for month in _months(start, end)
    ]
    totals = [sum(int(row[i]) for row in rows) for i in range(1, 5)]
    rows.append(["Tổng", *totals])
    return rows
