"""The blind sets never repeat a question the knowledge base or the dev sets already contain.

A blind question that is word for word (after folding case, diacritics, punctuation and
spaces) one of the KB's sample questions or a dev-set question measures memory, not matching.
Only counts are shown on failure, never the blind questions themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import load_devset
from knowledge.matcher import Matcher
from knowledge.normaliser import fold

DATA = Path(__file__).resolve().parent / "data"
BLIND = ("holdout.yaml", "long_blind.yaml", "long_blind2.yaml", "long_blind3.yaml")
DEV = ("devset.yaml", "long_dev.yaml", "long_dev2.yaml", "long_dev3.yaml")


def seen_questions(matcher: Matcher) -> set[str]:
    """Folded KB sample questions (every language) and dev-set questions."""
    seen = {
        fold(q)
        for entry in matcher.kb.entries.values()
        for questions in entry.questions.values()
        for q in questions
    }
    for name in DEV:
        seen |= {fold(item["q"]) for item in load_devset(DATA / name)}
    return seen


def test_folding_compares_case_diacritics_punctuation_and_spaces() -> None:
    assert fold("Làm CCCD ở đâu?") == fold("lam  cccd o dau") == "lam cccd o dau"
    assert fold("Đăng ký kết hôn!") == fold("dang ky, ket hon")


@pytest.mark.parametrize("name", BLIND)
def test_no_blind_question_appears_in_the_kb_or_the_dev_sets(matcher: Matcher, name: str) -> None:
    seen = seen_questions(matcher)
    repeated = [n for n, item in enumerate(load_devset(DATA / name)) if fold(item["q"]) in seen]
    assert len(repeated) == 0, f"{name}: {len(repeated)} questions also in the KB or dev sets"


@pytest.mark.parametrize("name", BLIND)
def test_no_blind_question_appears_twice(name: str) -> None:
    folded = [fold(item["q"]) for item in load_devset(DATA / name)]
    assert len(folded) - len(set(folded)) == 0, f"{name}: duplicated questions"
