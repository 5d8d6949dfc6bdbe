"""Why each labelled question fails: expected vs got, scores, subject words and their fit.

Usage: .venv/bin/python bench/failures.py tests/data/long_dev.yaml [more files] [--kind long]

For every question the matcher gets wrong (as `cchc-bot eval` counts it) it prints the expected
and the chosen topic, the band and confidence, the subject words (boilerplate removed) with
the ones the knowledge base has never seen marked `?`, the subject cover of the expected topic
and of the chosen one, and the first few ranked candidates with their rank scores. At the end it
counts the failures by a rough cause, so the most common cause can be fixed first. A diagnostic
for development on the dev sets only: never run it on the blind sets.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.evaluation import load_devset, outcome
from bot.runtime import build_matcher
from knowledge.matcher import Match, Matcher


def cause(matcher: Matcher, item: dict[str, Any], match: Match, result: str) -> str:
    """A rough label for why the question failed."""
    expected = item["intent"]
    ranked = [s.intent for s in match.ranked]
    if expected is None:
        return f"oos-{result}"
    if expected not in ranked:
        return "expected-not-ranked"
    lang = item.get("lang", "vi")
    fit = matcher.subject(item["q"], expected, lang)
    if not fit.words:
        return "no-subject-words"
    if ranked[0] != expected:
        return "ranked-below-other"
    if fit.unknown > 0:
        return "unknown-subject-word-low-confidence"
    if fit.cover < 1:
        return "subject-partly-uncovered"
    return "low-confidence"


def describe(matcher: Matcher, item: dict[str, Any], match: Match, result: str) -> str:
    lang = item.get("lang", "vi")
    expanded = matcher.normaliser.expand(item["q"])
    subject = matcher.subjects.words(expanded, lang)
    marked = " ".join(w if w in matcher.subjects.idf else f"{w}?" for w in subject)
    lines = [
        f"[{item['kind']}] {item['q']}",
        f"  expected {item['intent']}  got {match.intent or '-'} ({match.band}, {match.score})"
        f"  outcome {result}  redirect {match.redirect}",
        f"  subject: {marked}",
    ]
    fits = []
    for intent in dict.fromkeys([item["intent"], *(s.intent for s in match.ranked[:3])]):
        if intent is None:
            continue
        fit = matcher.subjects.fit(intent, subject, lang)
        missing = [w for w in subject if w not in matcher.subjects.vocabulary.get(intent, ())]
        fits.append(f"{intent} cover {fit.cover:.2f} missing {' '.join(missing) or '-'}")
    lines += [f"  fit: {f}" for f in fits]
    ranked = ", ".join(f"{s.intent} {s.score:.2f}" for s in match.ranked[:4])
    lines.append(f"  ranked: {ranked}")
    lines.append(f"  cause: {cause(matcher, item, match, result)}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--kind", action="append", help="only these kinds")
    args = parser.parse_args()
    matcher = build_matcher(Settings())
    causes: Counter[str] = Counter()
    for file in args.files:
        for item in load_devset(Path(file)):
            if args.kind and item["kind"] not in args.kind:
                continue
            match = matcher.match(item["q"])
            result = outcome(item, match)
            if result in ("right", "variant"):
                continue
            causes[cause(matcher, item, match, result)] += 1
            print(describe(matcher, item, match, result), end="\n\n")
    for name, count in causes.most_common():
        print(f"{count:4d}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
