"""Per-kind floors on the blind sets: a regression in any one kind turns this red.

The floors are the FIRST measurement after removing the blind questions that repeated KB or
dev-set questions (2026-12-02, `cchc-bot eval tests/data/holdout.yaml` and
`cchc-bot eval tests/data/long_blind.yaml`), minus about one question's worth. They are never
raised or lowered after reading which questions fail: the blind sets are not read, not tuned on.
A change that improves the matcher may raise a floor only from a fresh figure, never from the
failures list.

Re-based once, on purpose (2026-12-02, subject recognition, issue [understanding]): declining
what the knowledge base does not know traded in-scope recall for far fewer confident wrong
answers — long_blind out of scope not answered 75.0 % -> 96.4 %, holdout out of scope 96.3 % ->
98.8 %, while holdout vi 98.3 -> 94.9, teencode 85.7 -> 76.2, long 93.3 -> 89.9, long_en 87.1 ->
80.6 (most of the lost questions are now declined, not answered wrongly). The floors follow the
fresh summary figures (no blind question was read); the out-of-scope floors were raised so the
gain cannot slip back. Recovering the in-scope figures is open work, tuned on the dev sets only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.evaluation import evaluate, load_devset
from knowledge.matcher import Matcher

DATA = Path(__file__).resolve().parent / "data"

# kind -> (questions, measured %, floor %)
HOLDOUT = {
    "vi": (59, 94.9, 93.0),  # plain Vietnamese with diacritics
    "vi_nodiac": (29, 96.6, 93.0),  # diacritics left out
    "teencode": (21, 76.2, 71.0),
    "typo": (9, 100.0, 88.0),
    "long": (30, 96.7, 93.0),
    "en": (53, 88.7, 86.5),
    "oos": (82, 98.8, 97.5),  # out of scope: declined
}
HOLDOUT_LANGUAGE = (99.6, 99.0)
LONG_BLIND = {
    "long": (89, 89.9, 88.5),
    "aspect": (28, 100.0, 96.0),
    "long_en": (31, 80.6, 77.0),
    "long_oos": (84, 96.4, 95.0),
}
LONG_BLIND_LANGUAGE = (100.0, 99.0)
# Round 2 (2026-12-04): written blind by a helper who saw neither the KB nor the other sets; the
# floors are its first measurement on main c620085+ (before any tuning on long_dev2.yaml, its dev
# twin) minus about one question's worth.
LONG_BLIND2 = {
    "long": (78, 93.6, 92.0),
    "long_oos": (109, 93.6, 92.5),
    "long_en": (68, 75.0, 73.5),
    "en": (23, 82.6, 78.0),
    "aspect": (52, 92.3, 90.0),
    "teencode": (28, 96.4, 92.8),
}
LONG_BLIND2_LANGUAGE = (99.4, 98.5)
# Round 3 (2026-12-06): written blind by a writer who saw neither the KB nor the other sets; the
# floors are its first measurement on main c2d75ef (before any tuning on long_dev3.yaml, its dev
# twin) minus about one question's worth. One blind question that repeated a long_dev2 question
# word for word (found by the hygiene test, by counts only) was dropped before the measurement.
LONG_BLIND3 = {
    "aspect": (42, 92.9, 90.4),
    "en": (22, 81.8, 77.0),
    "long": (66, 90.9, 89.3),
    "long_en": (42, 69.0, 66.5),
    "long_oos": (64, 90.6, 89.0),
    "oos": (14, 92.9, 85.7),
    "teencode": (18, 88.9, 83.0),
    "vi_nodiac": (14, 78.6, 71.0),
}
LONG_BLIND3_LANGUAGE = (100.0, 99.0)


@pytest.fixture(scope="module")
def outcomes(matcher: Matcher) -> dict[str, dict[str, Any]]:
    return {
        name: evaluate(matcher, load_devset(DATA / name))
        for name in ("holdout.yaml", "long_blind.yaml", "long_blind2.yaml", "long_blind3.yaml")
    }


CASES = (
    [("holdout.yaml", k, *v) for k, v in HOLDOUT.items()]
    + [("long_blind.yaml", k, *v) for k, v in LONG_BLIND.items()]
    + [("long_blind2.yaml", k, *v) for k, v in LONG_BLIND2.items()]
    + [("long_blind3.yaml", k, *v) for k, v in LONG_BLIND3.items()]
)


@pytest.mark.parametrize(
    ("name", "kind", "questions", "measured", "floor"),
    CASES,
    ids=[f"{c[0]}-{c[1]}" for c in CASES],
)
def test_each_kind_stays_above_its_floor(
    outcomes: dict[str, dict[str, Any]],
    name: str,
    kind: str,
    questions: int,
    measured: float,
    floor: float,
) -> None:
    figures = outcomes[name]["kinds"][kind]
    assert figures["total"] == questions  # the set itself did not shrink to pass
    assert figures["accuracy"] >= floor, f"{name} {kind}: {figures['accuracy']}% < {floor}%"
    assert floor < measured  # a margin below the first figure, never the figure itself


@pytest.mark.parametrize(
    ("name", "floors", "language"),
    [
        ("holdout.yaml", HOLDOUT, HOLDOUT_LANGUAGE),
        ("long_blind.yaml", LONG_BLIND, LONG_BLIND_LANGUAGE),
        ("long_blind2.yaml", LONG_BLIND2, LONG_BLIND2_LANGUAGE),
        ("long_blind3.yaml", LONG_BLIND3, LONG_BLIND3_LANGUAGE),
    ],
)
def test_every_kind_has_a_floor_and_the_language_is_detected(
    outcomes: dict[str, dict[str, Any]],
    name: str,
    floors: dict[str, tuple[int, float, float]],
    language: tuple[float, float],
) -> None:
    outcome = outcomes[name]
    assert set(outcome["kinds"]) == set(floors)
    assert outcome["questions"] == sum(q for q, _, _ in floors.values())
    assert outcome["language_detected"] >= language[1]
