"""The monthly electronic CCHC bulletin, drafted from what the office already has: the month's
announcements, knowledge-base entries checked (added or changed) that month, and the month's
figures. It is stored as a draft announcement (kind "bulletin") that staff edit and send."""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.broadcast import announcements
from bot.broadcast.announcements import Draft
from bot.broadcast.models import BULLETIN, CANCELLED, Announcement
from bot.feedback.models import Staff
from bot.feedback.reports import Percent, build_report, period_bounds
from bot.feedback.workdays import OFFICE_TZ, local_date
from bot.models import MessageLog, utcnow
from bot.render import title
from knowledge.schema import KnowledgeBase

MAX_ITEMS = 15


def parse_month(value: str) -> dt.date:
    """ "2026-12" as the month's first day."""
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise announcements.NotAllowedError(f"not a month: {value!r} (use 2026-12)") from error


def _summary(session: Session, start: dt.date, end: dt.date) -> dict[str, object]:
    report = build_report(session, start, end, local_date(utcnow()))
    return {str(label): value for label, value in report.table("Tổng hợp").rows}


def bulletin_text(session: Session, kb: KnowledgeBase, month: dt.date) -> str:
    """The draft's text in Vietnamese."""
    start = month.replace(day=1)
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    first, after = period_bounds(start, end)
    commune = kb.locality_value("commune.short_name", "vi") or ""
    lines = [f"BẢN TIN CẢI CÁCH HÀNH CHÍNH THÁNG {start:%m/%Y} – {commune}".strip(" –"), ""]

    sent = session.scalars(
        select(Announcement)
        .where(
            Announcement.kind != BULLETIN,
            Announcement.status != CANCELLED,
            Announcement.started_at >= first,
            Announcement.started_at < after,
        )
        .order_by(Announcement.started_at)
        .limit(MAX_ITEMS)
    ).all()
    lines.append("1. Thông báo trong tháng")
    for item in sent:
        day = item.started_at.astimezone(OFFICE_TZ) if item.started_at else None
        lines.append(f"– {day:%d/%m}: {item.text.splitlines()[0][:150]}" if day else "")
    if not sent:
        lines.append("– Không có thông báo.")

    checked = sorted(
        (e for e in kb.entries.values() if e.checked and start <= e.checked <= end),
        key=lambda e: (e.checked, e.id),
    )
    lines += ["", "2. Thủ tục, hướng dẫn được cập nhật (theo ngày rà soát trong cơ sở tri thức)"]
    lines += [f"– {title(e, 'vi')}" for e in checked[:MAX_ITEMS]] or ["– Không có cập nhật."]

    answered = session.scalar(
        select(func.count(MessageLog.id)).where(
            MessageLog.created_at >= first,
            MessageLog.created_at < after,
            MessageLog.band == "answer",
        )
    )
    figures = _summary(session, start, end)
    on_time = figures.get("Tỷ lệ phản hồi đúng hạn")
    share = f"{on_time * 100:.1f}%" if isinstance(on_time, Percent) else "chưa có"
    lines += [
        "",
        "3. Số liệu tháng",
        f"– Câu hỏi được trợ lý ảo trả lời: {int(answered or 0)}",
        f"– Phản ánh, kiến nghị tiếp nhận: {figures.get('Số phản ánh tiếp nhận', 0)}",
        "– Đã phản hồi: "
        f"{figures.get('Số đã phản hồi (trả lời, chuyển, không thuộc thẩm quyền)', 0)}"
        f"; đúng hạn: {share}",
        "",
        "Hỏi thủ tục: nhắn câu hỏi cho trợ lý ảo. Gửi phản ánh: /phananh.",
    ]
    return "\n".join(lines)


def draft_bulletin(
    session: Session, staff: Staff, kb: KnowledgeBase, month: dt.date
) -> Announcement:
    """Store the month's bulletin as a draft announcement to every subscriber."""
    text = bulletin_text(session, kb, month)[: announcements.MAX_TEXT]
    return announcements.create(session, staff, Draft(text=text, kind=BULLETIN))
