"""What the matcher decides for every dev question, as JSON lines; or what each one costs.

Usage:
    .venv/bin/python bench/match_dump.py > /tmp/before.jsonl        # the decisions
    .venv/bin/python bench/match_dump.py --cost [--repeat 5] [--slowest 15]
    .venv/bin/python bench/match_dump.py --synthetic 10000 > /tmp/index.jsonl

A change meant only to make matching faster must leave the dump byte for byte the same
(`diff /tmp/before.jsonl /tmp/after.jsonl`). Each line holds the question, the outcome (band),
intent, score, aspect, suggestions, redirect, variant and the ranked candidates (scores rounded
to 4 decimals). The dev sets only (devset, long_dev, long_dev2): never the blind ones.

`--synthetic SIZE` dumps instead what the index alone ranks for the benchmark's queries on its
synthetic knowledge base of SIZE sample questions (`cchc-bot bench`), every score part at full
precision (repr): the index must rank bit for bit as before.

`--cost` times the matcher's uncached work (its exact-text cache is bypassed) per question in
CPU time of this thread, the least of `--repeat` runs (what is left when other processes'
load is taken out), and prints p50/p99/mean and the slowest questions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import astuple
from pathlib import Path

import yaml

from bot.benchmark import queries as bench_queries
from bot.benchmark import synthetic
from knowledge.index import Index
from knowledge.loader import load
from knowledge.matcher import Match, Matcher
from knowledge.normaliser import Normaliser
from knowledge.schema import Lexicon

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEV_SETS = ("devset.yaml", "long_dev.yaml", "long_dev2.yaml")


def questions() -> list[str]:
    """Every question of the dev sets, in file order."""
    found: list[str] = []
    for name in DEV_SETS:
        items = yaml.safe_load((DATA / name).read_text(encoding="utf-8")) or []
        found.extend(str(item["q"]) for item in items)
    return found


def decision(match: Match) -> dict[str, object]:
    """The parts of a match a speed-up must not change."""
    return {
        "q": match.query,
        "outcome": match.band,
        "intent": match.intent,
        "score": round(match.score, 4),
        "aspect": match.aspect,
        "suggestions": list(match.suggestions),
        "redirect": match.redirect,
        "variant": match.variant,
        "ranked": [[s.intent, round(s.score, 4)] for s in match.ranked],
    }


def uncached(matcher: Matcher, text: str) -> Match:
    """The matcher's full work for `text`, its exact-text cache bypassed."""
    return matcher._match_aspect(text)


def cost(matcher: Matcher, texts: list[str], repeat: int, slowest: int) -> None:
    """Print the CPU time per question (least of `repeat` runs)."""
    for text in texts:  # warm the per-word memos, as a server that has run a while has them
        uncached(matcher, text)
    least: list[tuple[float, str]] = []
    for text in texts:
        runs = []
        for _ in range(repeat):
            started = time.thread_time()
            uncached(matcher, text)
            runs.append(time.thread_time() - started)
        least.append((min(runs), text))
    spent = sorted(t for t, _ in least)
    p99 = spent[min(len(spent) - 1, int(len(spent) * 0.99))]
    print(
        json.dumps(
            {
                "questions": len(spent),
                "cpu_p50_ms": round(statistics.median(spent) * 1000, 3),
                "cpu_p99_ms": round(p99 * 1000, 3),
                "cpu_mean_ms": round(statistics.mean(spent) * 1000, 3),
            }
        )
    )
    for seconds, text in sorted(least, reverse=True)[:slowest]:
        print(f"{seconds * 1000:7.3f} ms  {text}")


def synthetic_dump(size: int) -> None:
    """Print the index's full-precision ranking of each benchmark query (see the docstring)."""
    pairs = synthetic(size)
    normaliser = Normaliser(Lexicon())
    index = Index.build(pairs, normaliser)
    for text in bench_queries(pairs, 2000):
        expanded = normaliser.expand(text)
        ranked = index.search([normaliser.repair(w) for w in expanded], expanded, limit=8)
        sys.stdout.write(json.dumps([text, [[repr(v) for v in astuple(s)] for s in ranked]]))
        sys.stdout.write("\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cost", action="store_true", help="time each question instead")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=15)
    parser.add_argument("--synthetic", type=int, metavar="SIZE", help="dump the index alone")
    args = parser.parse_args()
    if args.synthetic:
        synthetic_dump(args.synthetic)
        return 0
    matcher = Matcher(load())
    texts = questions()
    if args.cost:
        cost(matcher, texts, args.repeat, args.slowest)
        return 0
    for text in texts:
        line = json.dumps(decision(uncached(matcher, text)), ensure_ascii=False)
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
