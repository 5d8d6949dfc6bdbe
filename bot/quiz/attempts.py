"""Starting, answering and closing attempts: every change is compare-and-set on the row.

The clock is the core's (`bot.clock`), so a test moves time past the limit and sees a late
answer refused. A contact's attempts are numbered from 1 under a unique key: two workers
starting the same attempt at once cannot both succeed, and the limit holds in the database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.models import utcnow
from bot.quiz.models import ACTIVE, DONE, PREDICTING, QuizAttempt
from bot.sqlutil import rowcount
from knowledge.contests import Contest, Question


@dataclass(frozen=True)
class Answered:
    """What became of a pressed answer."""

    kind: str  # "next", "finished", "late", "stale", "over"
    attempt: QuizAttempt
    right: bool = False


def used(session: Session, contest: Contest, contact_id: int) -> int:
    """How many attempts the contact has started at this contest."""
    count = session.scalar(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.contest_id == contest.id, QuizAttempt.contact_id == contact_id
        )
    )
    return int(count or 0)


def unfinished(session: Session, contest: Contest, contact_id: int) -> QuizAttempt | None:
    """The contact's attempt still being answered (time-up ones are closed on the way)."""
    attempt = _active(session, contest, contact_id)
    if attempt is not None and close_if_late(session, contest, attempt):
        return None
    return attempt


def ran_out(session: Session, contest: Contest, contact_id: int) -> QuizAttempt | None:
    """The contact's attempt whose time ran out while they were away, closed now."""
    attempt = _active(session, contest, contact_id)
    if attempt is not None and close_if_late(session, contest, attempt):
        return attempt
    return None


def _active(session: Session, contest: Contest, contact_id: int) -> QuizAttempt | None:
    return session.scalars(
        select(QuizAttempt)
        .where(
            QuizAttempt.contest_id == contest.id,
            QuizAttempt.contact_id == contact_id,
            QuizAttempt.status == ACTIVE,
        )
        .order_by(QuizAttempt.number.desc())
        .limit(1)
        .with_for_update()
    ).first()


def locked(session: Session, attempt_id: int) -> QuizAttempt | None:
    """The attempt, its row locked for this transaction (PostgreSQL)."""
    return session.scalars(
        select(QuizAttempt).where(QuizAttempt.id == attempt_id).with_for_update()
    ).first()


def start(
    session: Session, contest: Contest, contact_id: int, area: str | None
) -> QuizAttempt | None:
    """A new attempt with its questions drawn, or None when every attempt is used."""
    number = used(session, contest, contact_id) + 1
    if number > contest.attempts_allowed:
        return None
    now = utcnow()
    drawn = random.sample(contest.questions, contest.per_attempt)
    attempt = QuizAttempt(
        contest_id=contest.id,
        contact_id=contact_id,
        number=number,
        question_ids=[q.id for q in drawn],
        answers=[],
        correct=0,
        area=area,
        status=ACTIVE,
        started_at=now,
        deadline_at=now + contest.time_limit,
        version=1,
    )
    session.add(attempt)
    session.flush()  # a concurrent start of the same number fails here; the core retries
    return attempt


def current(contest: Contest, attempt: QuizAttempt) -> Question | None:
    """The question waiting for an answer (None once all are answered)."""
    position = len(attempt.answers)
    if position >= len(attempt.question_ids):
        return None
    return contest.question(str(attempt.question_ids[position]))


def answer(
    session: Session, contest: Contest, attempt: QuizAttempt, position: int, option: int
) -> Answered:
    """Record `option` for the question at `position`, if it is the current one and in time."""
    if attempt.status != ACTIVE:
        return Answered("over", attempt)
    if close_if_late(session, contest, attempt):
        return Answered("late", attempt)
    question = current(contest, attempt)
    if question is None or position != len(attempt.answers):
        return Answered("stale", attempt)  # an older button, or pressed twice
    right = option == question.answer
    answers = [*attempt.answers, option]
    values: dict[str, Any] = {"answers": answers, "correct": attempt.correct + int(right)}
    finished = len(answers) == len(attempt.question_ids)
    if finished:
        values.update(finished_at=utcnow(), status=PREDICTING if contest.prediction else DONE)
    if not _set(session, attempt, values):
        return Answered("stale", attempt)
    return Answered("finished" if finished else "next", attempt, right)


def close_if_late(session: Session, contest: Contest, attempt: QuizAttempt) -> bool:
    """Close an active attempt whose time is up (answers so far count; the time is the
    limit). True when it was closed here."""
    if attempt.status != ACTIVE or utcnow() <= attempt.deadline_at:
        return False
    status = PREDICTING if contest.prediction else DONE
    return _set(session, attempt, {"status": status, "finished_at": attempt.deadline_at})


def predict(session: Session, attempt: QuizAttempt, value: int | None) -> bool:
    """Store the prediction (None: skipped) and close the attempt."""
    if attempt.status != PREDICTING:
        return False
    return _set(session, attempt, {"prediction": value, "status": DONE})


def _set(session: Session, attempt: QuizAttempt, values: dict[str, Any]) -> bool:
    """Apply `values` only if nobody changed the attempt since it was read."""
    seen = attempt.version
    done = session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.version == seen)
        .values(version=seen + 1, **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(attempt)
    return rowcount(done) == 1


def remaining(attempt: QuizAttempt) -> dt.timedelta:
    """Time left to answer (never negative)."""
    return max(attempt.deadline_at - utcnow(), dt.timedelta())
