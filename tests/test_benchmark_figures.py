"""The benchmark's memory and prefilter figures (no timing is asserted)."""

from __future__ import annotations

import sys
from array import array

from bot.benchmark import _measure, deep_size


def test_deep_size_counts_what_containers_reach_once() -> None:
    word = "khai sinh" * 100
    shell = sys.getsizeof([word, word])
    assert deep_size([word, word]) == shell + sys.getsizeof(word)
    numbers = array("d", [0.0] * 1000)
    assert deep_size({"n": numbers}) >= 8000


def test_a_small_run_reports_memory_and_prefilter_work() -> None:
    figures = _measure(200, query_count=50, baseline_queries=5)
    ours = figures["ours"]
    assert figures["intents"] == 20
    assert 0 < ours["postings_per_query"] <= 50 * 12  # capped postings, a dozen n-grams at most
    assert 0 < figures["memory"]["index_mb"] < 5
    assert set(figures["memory"]["index_parts_mb"]) >= {"intents", "samples", "packed"}
    for key in ("cpu_p99_ms", "search_floor_p99_ms", "build_cpu_s"):
        assert ours[key] >= 0
