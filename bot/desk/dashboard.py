"""The dashboard's figures, week by week (office weeks, Monday first)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.feedback.config import REPORTED_CATEGORIES
from bot.feedback.duedates import overdue_clause, past_due
from bot.feedback.models import OPEN_STATUSES, Ticket
from bot.feedback.reports import period_bounds
from bot.feedback.workdays import local_date
from bot.models import AnswerRating, MessageLog, UnansweredQuestion

WEEKS = 12
TOP_TOPICS = 10


@dataclass
class Week:
    """One office week's figures."""

    start: dt.date
    by_category: dict[str, int] = field(default_factory=dict)
    judged: int = 0  # tickets whose first response came, or are overdue
    on_time: int = 0
    questions: int = 0
    declined: int = 0
    ratings: list[int] = field(default_factory=list)  # citizens' 1–5 for items filed that week

    @property
    def filed(self) -> int:
        return sum(self.by_category.values())

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    @property
    def declined_share(self) -> float | None:
        return self.declined / self.questions if self.questions else None

    @property
    def satisfaction(self) -> float | None:
        """The mean rating as a share of 5 (for the same 0–100% chart scale)."""
        return statistics.fmean(self.ratings) / 5 if self.ratings else None


@dataclass
class Dashboard:
    """Weeks oldest first, and the figures of right now."""

    weeks: list[Week]
    overdue_now: int
    median_first_answer_hours: float | None
    useful_ratings: int
    useless_ratings: int
    top_topics: list[tuple[str, int]]  # (entry id, questions answered from it), most first


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build_dashboard(session: Session, today: dt.date, weeks: int = WEEKS) -> Dashboard:
    """The last `weeks` weeks up to `today`."""
    first_day = monday(today) - dt.timedelta(weeks=weeks - 1)
    starts = [first_day + dt.timedelta(weeks=n) for n in range(weeks)]
    table = {s: Week(s, dict.fromkeys(REPORTED_CATEGORIES, 0)) for s in starts}
    since, until = period_bounds(first_day, today)
    tickets = session.scalars(
        select(Ticket).where(Ticket.created_at >= since, Ticket.created_at < until)
    )
    hours = [_count_ticket(table, ticket, today) for ticket in tickets]
    answered = [h for h in hours if h is not None]
    for moment in _moments(session, MessageLog.created_at, since, until):
        table[monday(local_date(moment))].questions += 1
    for moment in _moments(session, UnansweredQuestion.created_at, since, until):
        table[monday(local_date(moment))].declined += 1
    overdue = session.scalar(select(func.count()).select_from(Ticket).where(overdue_clause(today)))
    ratings = dict(
        session.execute(
            select(AnswerRating.useful, func.count())
            .where(AnswerRating.created_at >= since)
            .group_by(AnswerRating.useful)
        ).all()
    )
    return Dashboard(
        [table[s] for s in starts],
        int(overdue or 0),
        round(statistics.median(answered), 1) if answered else None,
        int(ratings.get(True, 0)),
        int(ratings.get(False, 0)),
        _top_topics(session, since),
    )


def _count_ticket(table: dict[dt.date, Week], ticket: Ticket, today: dt.date) -> float | None:
    """Add `ticket` to its week; the hours to its first response, if it had one."""
    week = table[monday(local_date(ticket.created_at))]
    week.by_category[ticket.category] = week.by_category.get(ticket.category, 0) + 1
    if ticket.rating:
        week.ratings.append(ticket.rating)
    if ticket.first_answered_at is None:
        week.judged += past_due(ticket.due_date, today) and ticket.status in OPEN_STATUSES
        return None
    week.judged += 1
    week.on_time += not past_due(ticket.due_date, local_date(ticket.first_answered_at))
    return (ticket.first_answered_at - ticket.created_at).total_seconds() / 3600


def _moments(
    session: Session,
    column: InstrumentedAttribute[dt.datetime],
    since: dt.datetime,
    until: dt.datetime,
) -> list[dt.datetime]:
    return list(session.scalars(select(column).where(column >= since, column < until)))


def _top_topics(session: Session, since: dt.datetime) -> list[tuple[str, int]]:
    """The entries that answered most questions since `since`."""
    topics = session.execute(
        select(MessageLog.intent, func.count())
        .where(
            MessageLog.created_at >= since,
            MessageLog.intent.is_not(None),
            MessageLog.band == "answer",
        )
        .group_by(MessageLog.intent)
        .order_by(func.count().desc(), MessageLog.intent)
        .limit(TOP_TOPICS)
    ).all()
    return [(str(intent), int(count)) for intent, count in topics]
