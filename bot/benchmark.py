"""`cchc-bot bench`: matcher cost on synthetic knowledge bases, against a naive baseline.

Each size runs in a fresh process so that its peak memory (ru_maxrss) is its own. The synthetic
knowledge base has ten Vietnamese-like sample questions per intent built from a shared syllable
vocabulary; queries are samples with a word dropped and a letter slipped, plus unrelated text.
The baseline is rapidfuzz `process.extractOne` with `WRatio` over every sample question.
"""

from __future__ import annotations

import gc
import multiprocessing
import random
import resource
import statistics
import time
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


def _measure(size: int, query_count: int, baseline_queries: int) -> dict[str, Any]:
    pairs = synthetic(size)
    questions = queries(pairs, query_count)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    normaliser = Normaliser(Lexicon())
    index = Index.build(pairs, normaliser)
    build_seconds = time.perf_counter() - started
    gc.freeze()  # as the server does: the long-lived index is not rescanned by the GC
    latencies = []
    for question in questions:
        t0 = time.perf_counter()
        expanded = normaliser.expand(question)
        index.search([normaliser.repair(w) for w in expanded], expanded)
        latencies.append(time.perf_counter() - t0)
    ours_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
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
            **_percentiles(latencies),
            "queries": len(latencies),
            "peak_rss_mb": round(ours_rss / 1024, 1),
            "index_rss_mb": round((ours_rss - base_rss) / 1024, 1),
        },
        "baseline_wratio": {**_percentiles(baseline), "queries": len(baseline), "build_s": 0.0},
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
