"""`cchc-bot bench`: matcher cost on synthetic knowledge bases, against a naive baseline.

Each size runs in a fresh process so that its peak memory (ru_maxrss) is its own. The synthetic
knowledge base has ten Vietnamese-like sample questions per intent built from a shared syllable
vocabulary; queries are samples with a word dropped and a letter slipped, plus unrelated text.
The baseline is rapidfuzz `process.extractOne` with `WRatio` over every sample question.
Index memory is what a second build still holds afterwards (tracemalloc), with a per-attribute
breakdown by deep size; `postings_per_query` is the prefilter's work (posting entries visited).
On a shared machine the wall clock counts time spent preempted: `cpu_*` is the CPU time of the
same runs, and `search_floor_*` the least CPU time of three runs of the search alone.
"""

from __future__ import annotations

import gc
import multiprocessing
import random
import resource
import statistics
import sys
import time
import tracemalloc
from array import array
from typing import Any

from rapidfuzz import fuzz, process

from knowledge.index import Index
from knowledge.normaliser import Normaliser
from knowledge.schema import Lexicon

ONSETS = ["", "b", "c", "ch", "d", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph"]
ONSETS += ["qu", "r", "s", "t", "th", "tr", "v", "x"]
VOWELS = ["a", "ai", "ao", "au", "ay", "e", "eo", "i", "ia", "ieu", "o", "oa", "oi", "u", "ua"]
VOWELS += ["ui", "uo", "uy", "y"]
CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
COMMON = "thu tuc lam o dau can giay to gi bao nhieu tien mat bao lau nhu the nao duoc khong"


def syllables(rng: random.Random, count: int) -> list[str]:
    """`count` distinct Vietnamese-shaped syllables."""
    found: set[str] = set()
    while len(found) < count:
        found.add(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS))
    return sorted(found)


def synthetic(size: int, seed: int = 7) -> list[tuple[str, str]]:
    """About `size` (intent, question) pairs, ten per intent."""
    rng = random.Random(seed)
    vocabulary = syllables(rng, 4000)
    common = COMMON.split()
    pairs = []
    for number in range(max(1, size // 10)):
        topic = rng.sample(vocabulary, 4)
        for _ in range(10):
            words = rng.sample(topic, 2) + rng.sample(vocabulary, 2) + rng.sample(common, 3)
            rng.shuffle(words)
            pairs.append((f"intent_{number}", " ".join(words)))
    return pairs


def queries(pairs: list[tuple[str, str]], count: int, seed: int = 11) -> list[str]:
    """Perturbed samples (a word dropped, a letter slipped) and some unrelated text."""
    rng = random.Random(seed)
    out = []
    for number in range(count):
        if number % 5 == 4:
            out.append("hom nay thoi tiet the nao ban oi")
            continue
        words = rng.choice(pairs)[1].split()
        words.pop(rng.randrange(len(words)))
        position = rng.randrange(len(words))
        word = words[position]
        if len(word) > 3:
            cut = rng.randrange(1, len(word))
            words[position] = word[:cut] + word[cut + 1 :]
        out.append(" ".join(words))
    return out


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3), "p99_ms": round(p99 * 1000, 3)}


def deep_size(root: object) -> int:
    """Bytes held by `root` and everything it reaches through containers (each object once)."""
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif not isinstance(obj, str | bytes | int | float | array) and hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return total


def _memory(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Memory a fresh build keeps (tracemalloc), and its largest attributes (deep size)."""
    normaliser = Normaliser(Lexicon())
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = Index.build(pairs, normaliser)
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    parts = {
        name: round(deep_size(value) / 2**20, 1)
        for name, value in vars(index).items()
        if name != "normaliser"
    }
    return {"index_mb": round(kept / 2**20, 1), "index_parts_mb": parts}


def _search_floor(index: Index, normaliser: Normaliser, questions: list[str]) -> list[float]:
    """CPU seconds of the search alone per question, the least of three runs (noise removed)."""
    prepared = []
    for question in questions:
        expanded = normaliser.expand(question)
        prepared.append(([normaliser.repair(w) for w in expanded], expanded))
    floors = []
    for words, expanded in prepared:
        runs = []
        for _ in range(3):
            started = time.thread_time()
            index.search(words, expanded)
            runs.append(time.thread_time() - started)
        floors.append(min(runs))
    return floors


def _postings(index: Index, normaliser: Normaliser, questions: list[str]) -> float:
    """Mean number of posting entries the prefilter visits per query."""
    cost = getattr(index, "prefilter_cost", None)
    if cost is None:
        return -1.0
    visited = [cost([normaliser.repair(w) for w in normaliser.expand(q)]) for q in questions]
    return round(float(statistics.mean(visited)), 1)


def _timed(index: Index, normaliser: Normaliser, question: str) -> tuple[float, float]:
    """Wall and CPU seconds to normalise and search one question, as the matcher does."""
    started, cpu = time.perf_counter(), time.thread_time()
    expanded = normaliser.expand(question)
    index.search([normaliser.repair(w) for w in expanded], expanded)
    return time.perf_counter() - started, time.thread_time() - cpu


def _measure(size: int, query_count: int, baseline_queries: int) -> dict[str, Any]:
    pairs = synthetic(size)
    questions = queries(pairs, query_count)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.thread_time()
    normaliser = Normaliser(Lexicon())
    index = Index.build(pairs, normaliser)
    build_seconds = time.perf_counter() - started
    build_cpu = time.thread_time() - cpu_started
    gc.freeze()  # as the server does: the long-lived index is not rescanned by the GC
    timed = [_timed(index, normaliser, question) for question in questions]
    latencies = [wall for wall, _ in timed]
    # On a busy machine the wall clock counts time spent preempted; CPU time does not.
    cpu = [spent for _, spent in timed]
    ours_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    postings = _postings(index, normaliser, questions)
    floor = _search_floor(index, normaliser, questions)
    corpus = [question for _, question in pairs]
    baseline = []
    for question in questions[:baseline_queries]:
        t0 = time.perf_counter()
        process.extractOne(question, corpus, scorer=fuzz.WRatio)
        baseline.append(time.perf_counter() - t0)
    return {
        "sample_questions": len(pairs),
        "intents": len(index.intents),
        "ours": {
            "build_s": round(build_seconds, 3),
            "build_cpu_s": round(build_cpu, 3),
            **_percentiles(latencies),
            "queries": len(latencies),
            **{f"cpu_{k}": v for k, v in _percentiles(cpu).items()},
            **{f"search_floor_{k}": v for k, v in _percentiles(floor).items()},
            "peak_rss_mb": round(ours_rss / 1024, 1),
            "index_rss_mb": round((ours_rss - base_rss) / 1024, 1),
            "postings_per_query": postings,
        },
        "baseline_wratio": {**_percentiles(baseline), "queries": len(baseline), "build_s": 0.0},
        "memory": _memory(pairs),
    }


def _child(size: int, query_count: int, baseline_queries: int, out: Any) -> None:
    out.send(_measure(size, query_count, baseline_queries))
    out.close()


def run_benchmark(sizes: list[int], queries: int = 2000) -> dict[str, Any]:
    """Figures for each size, each measured in its own process."""
    context = multiprocessing.get_context("spawn")
    results: dict[str, Any] = {"cpu": "one core, one process per size", "sizes": []}
    for size in sizes:
        baseline_queries = max(20, min(queries, 2_000_000 // max(size, 1)))
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(size, queries, baseline_queries, send))
        child.start()
        results["sizes"].append(receive.recv())
        child.join()
    return results
