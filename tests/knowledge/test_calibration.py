"""`knowledge/calibration.py`: the logistic fit recovers known weights; `calibrate` end to end."""

from __future__ import annotations

import math

import pytest

from knowledge.calibration import PARTS, Logistic, calibrate, fit
from knowledge.matcher import Matcher

LN3 = math.log(3)  # the log-odds of 3 positives to 1 negative


def test_a_tiny_known_set_gives_the_known_weights() -> None:
    # Feature 0 on: 3 of 4 positive (log-odds ln 3); feature 1 on: 1 of 4 (-ln 3); both off:
    # 1 of 2 (log-odds 0). The maximum-likelihood weights are therefore (ln 3, -ln 3), bias 0;
    # the small L2 penalty pulls them in by about 0.02.
    rows = [[0.0, 0.0]] * 2 + [[1.0, 0.0]] * 4 + [[0.0, 1.0]] * 4
    labels = [1.0, 0.0, *(1.0, 1.0, 1.0, 0.0), *(0.0, 0.0, 0.0, 1.0)]
    model = fit(rows, labels)
    assert model.weights[0] == pytest.approx(LN3, abs=0.03)
    assert model.weights[1] == pytest.approx(-LN3, abs=0.03)
    assert model.bias == pytest.approx(0.0, abs=0.02)
    assert model.predict([1.0, 0.0]) == pytest.approx(0.75, abs=0.01)
    assert model.predict([0.0, 0.0]) == pytest.approx(0.5, abs=0.01)


def test_predict_is_the_logistic_function_and_does_not_overflow() -> None:
    model = Logistic((2.0, -1.0), 0.5)
    assert model.predict([1.0, 1.0]) == pytest.approx(1 / (1 + math.exp(-1.5)))
    assert model.predict([1e6, 0.0]) == pytest.approx(1.0)
    assert model.predict([-1e6, 0.0]) == pytest.approx(0.0)


ITEMS = [
    {"q": "làm căn cước ở đâu", "intent": "can_cuoc"},
    {"q": "đăng ký khai sinh cần giấy tờ gì", "intent": "khai_sinh"},
    {"q": "dang ky ket hon can nhung gi", "intent": "ket_hon"},
    {"q": "đăng ký tạm trú cho người thuê trọ", "intent": "tam_tru"},
    {"q": "quên mật khẩu vneid", "intent": "vneid"},
    {"q": "công thức nấu phở bò", "intent": None},
]


def test_calibrate_fits_both_models_on_a_labelled_file(matcher: Matcher) -> None:
    result = calibrate(matcher, ITEMS)
    ranking = result["ranking"]
    assert list(ranking["weights"]) == list(PARTS)
    assert all(isinstance(w, float) for w in ranking["weights"].values())
    assert len(result["confidence"]["weights"]) >= 1
    folds = result["cross_check_decision_accuracy"]
    assert len(folds) == 2
    assert all(0.0 <= f <= 100.0 for f in folds)
    # The labelled intent is ranked above the others when fitted on these questions.
    ranker = Logistic(tuple(ranking["weights"].values()), ranking["bias"])
    assert ranker.predict([1.0] * len(PARTS)) > ranker.predict([0.0] * len(PARTS))
    assert calibrate(matcher, ITEMS) == result  # deterministic
