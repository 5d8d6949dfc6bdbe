"""`bot/benchmark.py` runs end to end on a tiny size (figures are printed by `cchc-bot bench`)."""

from __future__ import annotations

import random

from bot.benchmark import queries, run_benchmark, syllables, synthetic


def test_the_synthetic_knowledge_base_is_reproducible_and_shaped_as_documented() -> None:
    pairs = synthetic(100)
    assert pairs == synthetic(100)
    assert len(pairs) == 100
    assert len({intent for intent, _ in pairs}) == 10
    assert all(len(question.split()) == 7 for _, question in pairs)
    asked = queries(pairs, 10)
    assert asked == queries(pairs, 10)
    assert asked[4] == asked[9] == "hom nay thoi tiet the nao ban oi"  # every fifth: unrelated
    assert all(len(q.split()) == 6 for n, q in enumerate(asked) if n % 5 != 4)


def test_syllables_are_distinct() -> None:
    found = syllables(random.Random(1), 50)
    assert len(set(found)) == 50


def test_one_small_size_is_measured_in_its_own_process() -> None:
    result = run_benchmark([50], queries=20)
    [size] = result["sizes"]
    assert (size["sample_questions"], size["intents"]) == (50, 5)
    assert size["ours"]["queries"] == 20
    assert size["baseline_wratio"]["queries"] == 20
    for side in ("ours", "baseline_wratio"):
        assert 0 <= size[side]["p50_ms"] <= size[side]["p99_ms"]
