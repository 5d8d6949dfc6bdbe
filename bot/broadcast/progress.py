"""How far an announcement's delivery has gone: sent, failed, blocked, pending, rate and ETA."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.broadcast.models import Announcement
from bot.outbox import BLOCKED, CANCELLED, FAILED, HELD, PENDING, SENT, OutboxMessage

RATE_WINDOW = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Progress:
    """Counts over the announcement's recipients; `pending` includes those not yet queued."""

    status: str
    audience: int
    sent: int
    failed: int
    blocked: int
    cancelled: int
    pending: int
    rate: float  # messages a second over the last minute
    eta: dt.timedelta | None

    @property
    def done_share(self) -> float:
        """Share of the audience settled (sent, failed, blocked or cancelled)."""
        settled = self.sent + self.failed + self.blocked + self.cancelled
        return settled / self.audience if self.audience else 1.0


def progress(session: Session, item: Announcement, now: dt.datetime) -> Progress:
    """The figures right now (one grouped count and one count over the last minute)."""
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id))
            .where(OutboxMessage.announcement_id == item.id)
            .group_by(OutboxMessage.status)
        ).all()
    )
    recent = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.announcement_id == item.id,
            OutboxMessage.status == SENT,
            OutboxMessage.sent_at > now - RATE_WINDOW,
        )
    )
    since = item.started_at or now
    window = min(RATE_WINDOW, max(now - since, dt.timedelta(seconds=1)))
    rate = int(recent or 0) / window.total_seconds()
    audience = item.audience_size if item.audience_size is not None else item.enqueued
    not_queued = 0 if item.expanded else max(audience - item.enqueued, 0)
    pending = int(counts.get(PENDING, 0)) + int(counts.get(HELD, 0)) + not_queued
    if item.status in ("done", "cancelled"):
        pending = int(counts.get(PENDING, 0))
    eta = dt.timedelta(seconds=pending / rate) if rate > 0 and pending else None
    return Progress(
        item.status,
        max(audience, item.enqueued),
        int(counts.get(SENT, 0)),
        int(counts.get(FAILED, 0)),
        int(counts.get(BLOCKED, 0)),
        int(counts.get(CANCELLED, 0)),
        pending,
        rate,
        eta,
    )


def summary_vi(item: Announcement, figures: Progress) -> str:
    """One staff-facing paragraph in Vietnamese."""
    eta = ""
    if figures.eta is not None:
        minutes = max(int(figures.eta.total_seconds() // 60), 0)
        eta = f", còn khoảng {minutes} phút" if minutes else ", còn dưới 1 phút"
    return (
        f"Thông báo #{item.id} ({_STATUS_VI.get(figures.status, figures.status)}): "
        f"đã gửi {figures.sent}/{figures.audience}, lỗi {figures.failed}, "
        f"bị chặn {figures.blocked}, đang chờ {figures.pending}; "
        f"tốc độ {figures.rate:.1f} tin/giây{eta}."
    )


_STATUS_VI = {
    "draft": "bản nháp",
    "scheduled": "đã hẹn giờ",
    "running": "đang gửi",
    "done": "đã gửi xong",
    "cancelled": "đã hủy",
}
