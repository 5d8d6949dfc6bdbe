"""The sample contest on Zalo, which has no buttons: the same core, the choices numbered, no
Zalo code for it (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import clock
from bot.quiz.models import DONE, QuizAttempt
from bot.quiz.render import LETTERS
from tests.quiz.helpers import DURING, attempts_of, contest
from tests.zalo.harness import ZaloUnderTest

CITIZEN = "5550002223"


@pytest.fixture(autouse=True)
def during_the_contest() -> Iterator[None]:
    offset = DURING - clock.system_now()
    with clock.use(lambda: clock.system_now() + offset):
        yield


def right_letter(zalo: ZaloUnderTest) -> str:
    [attempt] = [a for a in attempts_of(zalo.services) if a.status != DONE]
    with zalo.services.sessions() as session:
        fresh = session.get(QuizAttempt, attempt.id)
        assert fresh is not None
        question = contest(zalo.services).question(fresh.question_ids[len(fresh.answers)])
    assert question is not None
    return LETTERS[question.answer]


async def test_the_sample_contest_with_numbered_choices(zalo: ZaloUnderTest) -> None:
    intro = await zalo.says(CITIZEN, "/thi")
    assert "Tìm hiểu cải cách hành chính" in intro
    assert "5. Bỏ qua" in intro  # four areas, then "skip", as numbered choices
    first = await zalo.picks(CITIZEN, "Bỏ qua")
    assert "Câu 1/10" in first
    assert "\n1. A\n2. B" in first
    for _ in range(contest(zalo.services).per_attempt):
        shown = await zalo.picks(CITIZEN, right_letter(zalo))
    assert "Theo Ông/Bà" in shown
    done = await zalo.says(CITIZEN, "250")
    assert "Kết quả lượt 1: 10/10 câu đúng" in done
    assert done.count("Đáp án đúng:") == 10
    [attempt] = attempts_of(zalo.services)
    assert (attempt.status, attempt.correct, attempt.prediction) == (DONE, 10, 250)
