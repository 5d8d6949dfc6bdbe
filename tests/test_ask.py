"""`ask --json` takes the chat's decision: a grievance told in free text is offered for filing."""

from __future__ import annotations

import pytest

from bot.ask import GRIEVANCE_INTENT, result
from knowledge.matcher import Matcher


@pytest.mark.parametrize(
    "told",
    ["Cán bộ tiếp nhận hồ sơ lớn tiếng với dân", "cán bộ quát tháo", "can bo quat thao voi dan"],
)
def test_a_told_grievance_is_offered_for_filing_not_answered_with_a_topic(
    matcher: Matcher, told: str
) -> None:
    found = result(matcher, told)
    assert (found["intent"], found["band"]) == (GRIEVANCE_INTENT, "answer")
    assert "phản ánh" in found["answer"]
    assert (found["variant"], found["aspect"]) == (None, None)


@pytest.mark.parametrize(
    ("question", "intent"),
    [("phản ánh ở đâu", "phan_anh_kien_nghi"), ("khai sinh cần gì", "khai_sinh")],
)
def test_questions_keep_the_matchers_answer(matcher: Matcher, question: str, intent: str) -> None:
    found = result(matcher, question)
    assert (found["intent"], found["band"]) == (intent, "answer")
    assert found["answer"].startswith("📌")
