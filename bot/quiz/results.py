"""A contest's results for staff: participants, attempts, score distribution, the ranking with
the tie-break applied, participants by area.

Each participant is ranked by their best attempt: more right answers first; then less time;
then the prediction of the number of participants closest to the real number (no prediction
ranks after every prediction). Attempts still running are left out; an attempt whose time ran
out counts with the answers given in time and the whole time limit.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Contact, utcnow
from bot.quiz.models import ACTIVE, QuizAttempt
from knowledge.contests import Contest


@dataclass(frozen=True)
class Standing:
    """One participant's place in the ranking."""

    rank: int
    contact_id: int
    name: str
    channel: str
    area: str | None
    attempt: int
    correct: int
    total: int
    seconds: float
    prediction: int | None
    gap: int | None  # how far the prediction is from the real number of participants


@dataclass(frozen=True)
class Results:
    contest: Contest
    participants: int
    attempts: int
    running: int
    distribution: dict[int, int]  # right answers -> attempts with that score
    ranking: list[Standing]
    by_area: dict[str, int]  # area -> participants who named it


def _seconds(attempt: QuizAttempt) -> float:
    if attempt.finished_at is None:  # time ran out and nobody has touched it since
        return (attempt.deadline_at - attempt.started_at).total_seconds()
    return (attempt.finished_at - attempt.started_at).total_seconds()


def _finished(attempt: QuizAttempt) -> bool:
    return attempt.status != ACTIVE or utcnow() > attempt.deadline_at


def rank_key(correct: int, seconds: float, gap: int | None) -> tuple[int, float, float]:
    """Sort key of the tie-break: score, then time, then how close the prediction is."""
    return (-correct, seconds, math.inf if gap is None else gap)


def contest_results(session: Session, contest: Contest) -> Results:
    """Everything staff see about `contest`, from the database as it is now."""
    rows: list[tuple[QuizAttempt, Contact]] = [
        (attempt, contact)
        for attempt, contact in session.execute(
            select(QuizAttempt, Contact)
            .join(Contact, Contact.id == QuizAttempt.contact_id)
            .where(QuizAttempt.contest_id == contest.id)
            .order_by(QuizAttempt.id)
        )
    ]
    contacts = {contact.id: contact for _, contact in rows}
    finished = [attempt for attempt, _ in rows if _finished(attempt)]
    participants = len(contacts)
    best: dict[int, QuizAttempt] = {}
    areas: dict[int, str] = {}

    def key(attempt: QuizAttempt) -> tuple[int, float, float]:
        return rank_key(attempt.correct, _seconds(attempt), _gap(attempt, participants))

    for attempt in finished:
        held = best.get(attempt.contact_id)
        if held is None or key(attempt) < key(held):
            best[attempt.contact_id] = attempt
    for attempt, _ in rows:
        if attempt.area:
            areas[attempt.contact_id] = attempt.area  # the latest one named
    ordered = sorted(best.values(), key=lambda a: (key(a), a.id))
    ranking: list[Standing] = []
    for position, attempt in enumerate(ordered, 1):
        tied = bool(ranking) and key(ordered[position - 2]) == key(attempt)
        contact = contacts[attempt.contact_id]
        ranking.append(
            Standing(
                rank=ranking[-1].rank if tied else position,
                contact_id=contact.id,
                name=contact.display_name or "",
                channel=contact.channel,
                area=areas.get(contact.id),
                attempt=attempt.number,
                correct=attempt.correct,
                total=len(attempt.question_ids),
                seconds=_seconds(attempt),
                prediction=attempt.prediction,
                gap=_gap(attempt, participants),
            )
        )
    return Results(
        contest=contest,
        participants=participants,
        attempts=len(rows),
        running=len(rows) - len(finished),
        distribution=dict(sorted(Counter(a.correct for a in finished).items())),
        ranking=ranking,
        by_area=dict(Counter(areas.values()).most_common()),
    )


def _gap(attempt: QuizAttempt, participants: int) -> int | None:
    return None if attempt.prediction is None else abs(attempt.prediction - participants)
