"""A contest's results as tables (CSV sections, XLSX sheets), and the contests section of the
periodic report (`cchc-bot report`): how many contests ran and how many people took part."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.feedback.reports import Table, period_bounds
from bot.quiz.models import QuizAttempt
from bot.quiz.results import Results
from bot.quiz.texts import office
from knowledge.contests import OFFICE_TZ, Contest
from knowledge.schema import pick

REPORT_TITLE = "Cuộc thi tìm hiểu"


def heading(contest: Contest) -> str:
    """The export's heading."""
    return f"Kết quả cuộc thi “{pick(contest.title, 'vi')}”"


def result_tables(results: Results) -> list[Table]:
    """Summary, ranking (tie-break applied), score distribution, participants by area."""
    contest = results.contest
    summary = Table("Tổng hợp", ["Chỉ tiêu", "Giá trị"])
    summary.rows = [
        ["Cuộc thi", pick(contest.title, "vi")],
        ["Mở từ", office(contest.opens)],
        ["Đóng lúc", office(contest.closes)],
        ["Số người tham gia", results.participants],
        ["Số lượt thi", results.attempts],
        ["Số lượt đang làm dở", results.running],
        ["Số câu mỗi lượt", contest.per_attempt],
    ]
    ranking = Table(
        "Xếp hạng",
        [
            "Hạng",
            "Người dự thi",
            "Kênh",
            "Mã liên hệ",
            "Thôn, khu dân cư",
            "Lượt",
            "Số câu đúng",
            "Số câu",
            "Thời gian (giây)",
            "Dự đoán số người",
            "Chênh lệch dự đoán",
        ],
    )
    ranking.rows = [
        [
            s.rank,
            s.name,
            s.channel,
            s.contact_id,
            s.area or "",
            s.attempt,
            s.correct,
            s.total,
            round(s.seconds, 1),
            s.prediction,
            s.gap,
        ]
        for s in results.ranking
    ]
    distribution = Table("Phân bố điểm", ["Số câu đúng", "Số lượt"])
    distribution.rows = [
        [score, results.distribution.get(score, 0)] for score in range(contest.per_attempt + 1)
    ]
    areas = Table("Theo thôn", ["Thôn, khu dân cư", "Số người tham gia"])
    areas.rows = [[area, count] for area, count in results.by_area.items()]
    return [summary, ranking, distribution, areas]


def contests_section(
    session: Session, contests: dict[str, Contest], start: dt.date, end: dt.date
) -> Table:
    """Contests open during the period (office dates, both ends included) and the people who
    took part in it; a last row adds them up (a person in two contests counts once)."""
    first, after = period_bounds(start, end)
    table = Table(REPORT_TITLE, ["Cuộc thi", "Mở từ", "Đóng lúc", "Số người tham gia", "Số lượt"])
    in_period = (QuizAttempt.started_at >= first, QuizAttempt.started_at < after)
    for contest in sorted(contests.values(), key=lambda c: c.opens):
        if contest.closes <= first or contest.opens >= after:
            continue
        people, attempts = session.execute(
            select(
                func.count(func.distinct(QuizAttempt.contact_id)), func.count(QuizAttempt.id)
            ).where(QuizAttempt.contest_id == contest.id, *in_period)
        ).one()
        table.rows.append(
            [
                pick(contest.title, "vi"),
                contest.opens.astimezone(OFFICE_TZ).date(),
                contest.closes.astimezone(OFFICE_TZ).date(),
                int(people),
                int(attempts),
            ]
        )
    ids = list(contests)
    everyone, attempts = session.execute(
        select(
            func.count(func.distinct(QuizAttempt.contact_id)), func.count(QuizAttempt.id)
        ).where(QuizAttempt.contest_id.in_(ids), *in_period)
    ).one()
    table.rows.append([f"Tổng: {len(table.rows)} cuộc thi", None, None, everyone, attempts])
    return table
