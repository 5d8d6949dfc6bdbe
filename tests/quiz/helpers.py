"""Playing a contest in tests: the right (or a wrong) answer to the question on screen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.messages import Button
from bot.quiz.models import QuizAttempt
from bot.runtime import Services
from knowledge.contests import OFFICE_TZ, Contest

CONTEST = "tim_hieu_cchc"
# Inside the sample contest's window (it opens 01/12/2026 and closes 30/06/2027, office time).
DURING = dt.datetime(2027, 1, 11, 9, 0, tzinfo=OFFICE_TZ)


def contest(services: Services) -> Contest:
    return services.matcher.kb.contests[CONTEST]


def answer_buttons(buttons: list[Button]) -> list[Button]:
    return [b for b in buttons if b.payload.startswith("thi:ans:")]


def pick(services: Services, buttons: list[Button], right: bool) -> Button:
    """The button with the right answer (or the first wrong one) to the question shown."""
    options = answer_buttons(buttons)
    assert options, f"no answer buttons in {buttons}"
    _, _, attempt_id, position, _ = options[0].payload.split(":")
    with services.sessions() as session:
        attempt = session.get(QuizAttempt, int(attempt_id))
        assert attempt is not None
        question = contest(services).question(attempt.question_ids[int(position)])
    assert question is not None
    index = question.answer if right else (question.answer + 1) % len(options)
    return options[index]


def attempts_of(services: Services) -> list[QuizAttempt]:
    with services.sessions() as session:
        return list(session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)))
