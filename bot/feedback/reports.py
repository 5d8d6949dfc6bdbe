"""The office's feedback report for a period: the figures, as tables ready for CSV or XLSX.

Tickets count when they were filed in the period (office dates, both ends included). "On time"
means the first response (answer, transfer or "not our competence") came on or before the due
date; tickets still open and not yet due are left out of that share.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.broadcast.report import HEADERS, TITLE, communication_rows
from bot.feedback.config import REPORTED_CATEGORIES
from bot.feedback.duedates import is_overdue, past_due
from bot.feedback.models import STATUSES, Staff, Ticket
from bot.feedback.texts import category_label, status_label
from bot.feedback.workdays import OFFICE_TZ, holidays_from, local_date, workdays_between
from bot.models import UnansweredQuestion
from knowledge.normaliser import fold

LANG = "vi"
TOP_QUESTIONS = 20


class Percent(float):
    """A share in [0, 1], written as a percentage."""


Cell = str | int | float | dt.date | None


@dataclass
class Table:
    """One sheet of the workbook, one section of the CSV."""

    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Report:
    """Every table of the report, in order."""

    start: dt.date
    end: dt.date
    tables: list[Table]

    def table(self, title: str) -> Table:
        """The table called `title`."""
        return next(t for t in self.tables if t.title == title)


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """UTC moments from the start of `start` to the end of `end`, office time."""
    first = dt.datetime.combine(start, dt.time(), OFFICE_TZ)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), OFFICE_TZ)
    return first.astimezone(dt.UTC), after.astimezone(dt.UTC)


def _on_time(ticket: Ticket) -> bool | None:
    """True/False once it can be judged; None while open and not yet due."""
    if ticket.first_answered_at is not None:
        return not past_due(ticket.due_date, local_date(ticket.first_answered_at))
    return None


def build_report(session: Session, start: dt.date, end: dt.date, today: dt.date) -> Report:
    """All figures for tickets filed from `start` to `end`; "overdue" is as of `today`."""
    first, after = period_bounds(start, end)
    tickets = list(
        session.scalars(
            select(Ticket)
            .where(Ticket.created_at >= first, Ticket.created_at < after)
            .order_by(Ticket.id)
        )
    )
    overdue = [t for t in tickets if is_overdue(t, today)]
    judged = [_on_time(t) for t in tickets]
    judged_count = sum(1 for j in judged if j is not None) + len(overdue)
    on_time = sum(1 for j in judged if j)
    hours = [
        (t.first_answered_at - t.created_at).total_seconds() / 3600
        for t in tickets
        if t.first_answered_at is not None
    ]
    ratings = [t.rating for t in tickets if t.rating]
    summary = Table("Tổng hợp", ["Chỉ tiêu", "Giá trị"])
    summary.rows = [
        ["Từ ngày", start],
        ["Đến ngày", end],
        ["Số phản ánh tiếp nhận", len(tickets)],
        ["Số đã phản hồi (trả lời, chuyển, không thuộc thẩm quyền)", len(hours)],
        ["Thời gian đến phản hồi đầu tiên, trung vị (giờ)", _round(_median(hours))],
        ["Tỷ lệ phản hồi đúng hạn", _ratio(on_time, judged_count)],
        ["Số đang quá hạn", len(overdue)],
        ["Số lượt đánh giá hài lòng", len(ratings)],
        ["Điểm hài lòng trung bình (1–5)", _round(statistics.fmean(ratings) if ratings else None)],
    ]
    return Report(
        start,
        end,
        [
            summary,
            _by_category(tickets),
            _by_status(tickets),
            _overdue(session, tickets, overdue, today),
            _satisfaction(ratings),
            _unanswered(session, first, after),
            _communication(session, start, end, first, after),
            _items(session, tickets, today),
        ],
    )


def _items(session: Session, tickets: list[Ticket], today: dt.date) -> Table:
    """Every item of the period, oldest first, for the annex of the report."""
    headers = ["Mã", "Ngày gửi", "Loại", "Địa điểm", "Trạng thái", "Hạn trả lời"]
    table = Table("Danh sách phản ánh", [*headers, "Phản hồi đầu tiên", "Người xử lý", "Đúng hạn"])
    names = {s.id: s.name for s in session.scalars(select(Staff))}
    for ticket in tickets:
        judged = _on_time(ticket)
        on_time = "Đúng hạn" if judged else "Trễ hạn" if judged is False else ""
        if judged is None and is_overdue(ticket, today):
            on_time = "Quá hạn"
        first = ticket.first_answered_at
        table.rows.append(
            [
                ticket.code,
                local_date(ticket.created_at),
                category_label(ticket.category, LANG),
                ticket.place or "",
                status_label(ticket.status, LANG),
                ticket.due_date,
                local_date(first) if first else None,
                names.get(ticket.assignee_id or 0, ""),
                on_time,
            ]
        )
    return table


def _by_category(tickets: list[Ticket]) -> Table:
    table = Table("Theo loại", ["Loại phản ánh", "Số lượng"])
    table.rows = [
        [category_label(c, LANG), sum(1 for t in tickets if t.category == c)]
        for c in REPORTED_CATEGORIES
    ]
    return table


def _by_status(tickets: list[Ticket]) -> Table:
    table = Table("Theo trạng thái", ["Trạng thái", "Số lượng"])
    table.rows = [
        [status_label(s, LANG), sum(1 for t in tickets if t.status == s)] for s in STATUSES
    ]
    return table


def _overdue(
    session: Session, tickets: list[Ticket], overdue: list[Ticket], today: dt.date
) -> Table:
    """Open past their due date, and those whose first response came late."""
    headers = ["Mã", "Loại", "Ngày gửi", "Hạn trả lời", "Trạng thái", "Người xử lý"]
    table = Table("Quá hạn", [*headers, "Số ngày làm việc trễ"])
    late = [t for t in tickets if _on_time(t) is False]
    holidays = holidays_from(session, min((t.due_date for t in tickets), default=today))
    for ticket in sorted([*overdue, *late], key=lambda t: (t.due_date, t.id)):
        until = local_date(ticket.first_answered_at) if ticket.first_answered_at else today
        assignee = session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
        table.rows.append(
            [
                ticket.code,
                category_label(ticket.category, LANG),
                local_date(ticket.created_at),
                ticket.due_date,
                status_label(ticket.status, LANG),
                assignee.name if assignee else "",
                workdays_between(ticket.due_date, until, holidays),
            ]
        )
    return table


def _satisfaction(ratings: list[int]) -> Table:
    table = Table("Hài lòng", ["Điểm", "Số lượt", "Tỷ lệ"])
    table.rows = [
        [score, ratings.count(score), _ratio(ratings.count(score), len(ratings))]
        for score in range(1, 6)
    ]
    return table


def _unanswered(session: Session, first: dt.datetime, after: dt.datetime) -> Table:
    """Declined questions grouped by their folded text, most frequent first."""
    table = Table("Câu hỏi chưa trả lời", ["Câu hỏi", "Số lần hỏi", "Số lần chuyển cán bộ"])
    questions = session.scalars(
        select(UnansweredQuestion)
        .where(UnansweredQuestion.created_at >= first, UnansweredQuestion.created_at < after)
        .order_by(UnansweredQuestion.id.desc())
    )
    groups: dict[str, list[UnansweredQuestion]] = {}
    for question in questions:
        key = fold(question.text)
        if key:
            groups.setdefault(key, []).append(question)
    ranked = sorted(groups.values(), key=lambda g: (-len(g), g[0].text))[:TOP_QUESTIONS]
    table.rows = [[g[0].text, len(g), sum(1 for q in g if q.forwarded)] for g in ranked]
    return table


def _communication(
    session: Session, start: dt.date, end: dt.date, first: dt.datetime, after: dt.datetime
) -> Table:
    """Announcements, people reached and (un)subscriptions by month (bot/broadcast/report.py)."""
    table = Table(TITLE, list(HEADERS))
    table.rows = [list(row) for row in communication_rows(session, start, end, first, after)]
    return table


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _ratio(part: int, whole: int) -> Percent | None:
    """`part / whole` as a percentage, None when there is nothing to divide."""
    return Percent(round(part / whole, 4)) if whole else None
