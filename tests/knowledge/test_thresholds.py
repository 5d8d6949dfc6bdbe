"""Gates that bite: questions pinned on each side of the answer and suggest limits, and floors
per kind on the dev data. Moving a limit by 5 or 10 points, or a kind sliding, turns this red.

Each pin also checks its score window, so when the models are refitted (`cchc-bot calibrate`)
a pin that drifted out of its window says so and must be re-picked near the limit again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import evaluate, load_devset
from knowledge.matcher import Matcher

DATA = Path(__file__).resolve().parents[1] / "data"

# (question, band, lowest score, highest score): within 10 points of the limits 40 and 35.
PINS = [
    ("nhập khẩu cần giấy tờ gì", "answer", 45.0, 50.0),  # answer at 50: red
    ("SIPAS đo lường cái gì", "answer", 45.0, 50.0),
    ("muốn gửi phản ánh về việc đèn đường hỏng thì gửi ở đâu", "answer", 40.0, 45.0),  # at 45: red
    (
        "What is the fee for certifying a signature on a paper? "
        "Is it per signature or per document?",
        "answer",
        40.0,
        45.0,
    ),
    ("làm thẻ ngân hàng cho con", "suggest", 35.0, 40.0),  # answer at 35 or suggest at 40: red
    ("bệnh viện", "decline", 30.0, 35.0),  # suggest at 30: red
    ("nhà văn hóa", "decline", 30.0, 35.0),
    ("kết hôn bao lâu lấy giấy", "decline", 25.0, 30.0),  # suggest at 25: red
    ("tôi cần giấy", "decline", 25.0, 30.0),
]


@pytest.mark.parametrize(("question", "band", "low", "high"), PINS)
def test_questions_near_the_limits_keep_their_band(
    matcher: Matcher, question: str, band: str, low: float, high: float
) -> None:
    match = matcher.match(question)
    assert low <= match.score < high, f"pin drifted to {match.score}: pick another near the limit"
    assert match.band == band
    assert match.variant is None  # decided by the limits alone
    assert match.redirect is None


def test_pins_cover_both_sides_of_both_limits() -> None:
    limits = {"answer": 40.0, "suggest": 35.0}
    for limit in limits.values():
        for step in (5.0, 10.0):
            above = [p for p in PINS if limit <= p[2] and p[3] <= limit + step]
            below = [p for p in PINS if limit - step <= p[2] and p[3] <= limit]
            assert above, (limit, step)
            assert below, (limit, step)


DEV_FLOORS = {  # measured (2026-12-02) minus about two questions' worth
    "vi": 96.0,
    "vi_nodiac": 97.0,
    "teencode": 95.0,
    "typo": 95.0,
    "en": 92.0,
    "long": 93.0,
    "oos": 94.0,
}
LONG_FLOORS = {"long": 89.0, "long_en": 83.0, "long_oos": 96.0, "aspect": 92.0}


def test_dev_set_floor_per_kind(matcher: Matcher) -> None:
    outcome = evaluate(matcher, load_devset(DATA / "devset.yaml"))
    accuracy = {kind: figures["accuracy"] for kind, figures in outcome["kinds"].items()}
    assert {k: accuracy[k] for k in DEV_FLOORS} == {
        k: max(accuracy[k], floor) for k, floor in DEV_FLOORS.items()
    }
    assert outcome["language_detected"] >= 98.0


def test_long_dev_floor_per_kind_and_confidently_wrong_ceiling(matcher: Matcher) -> None:
    outcome = evaluate(matcher, load_devset(DATA / "long_dev.yaml"))
    accuracy = {kind: figures["accuracy"] for kind, figures in outcome["kinds"].items()}
    assert {k: accuracy[k] for k in LONG_FLOORS} == {
        k: max(accuracy[k], floor) for k, floor in LONG_FLOORS.items()
    }
    assert outcome["confidently_wrong"]["oos"] <= 3.0
    assert outcome["confidently_wrong"]["vi"] <= 5.0
