"""`cchc-bot eval`: accuracy on a labelled question file, per kind, with the confused pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

from knowledge.matcher import Matcher


def load_devset(path: Path) -> list[dict[str, Any]]:
    """Items with q, intent (id or null), kind and lang."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a list of questions")
    return items


def evaluate(matcher: Matcher, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures: right answers per kind, decline rate out of scope, language, confusions."""
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    confusions: Counter[tuple[str, str]] = Counter()
    language_right = 0
    failures: list[dict[str, Any]] = []
    for item in items:
        match = matcher.match(item["q"])
        kind, expected = item["kind"], item["intent"]
        counts = per_kind[kind]
        counts["total"] += 1
        language_right += match.lang == item.get("lang", match.lang)
        if expected is None:
            ok = match.band == "decline"
        else:
            ok = match.band == "answer" and match.intent == expected
            counts["suggested"] += match.band == "suggest" and expected in match.suggestions
            counts["declined"] += match.band == "decline"
        counts["right"] += ok
        if not ok:
            got = match.intent if match.band != "decline" else "decline"
            confusions[(str(expected), f"{got}({match.band})")] += 1
            failures.append(
                {
                    "q": item["q"],
                    "expected": expected,
                    "got": got,
                    "band": match.band,
                    "score": match.score,
                }
            )
    kinds = {
        kind: {
            "total": c["total"],
            "accuracy": round(100 * c["right"] / c["total"], 1),
            "suggested_right": c["suggested"],
            "declined": c["declined"],
        }
        for kind, c in sorted(per_kind.items())
    }
    in_scope = [c for k, c in per_kind.items() if k != "oos"]
    vi_kinds = [c for k, c in per_kind.items() if k not in ("oos", "en")]
    total = sum(c["total"] for c in per_kind.values())
    return {
        "questions": total,
        "kinds": kinds,
        "in_scope_accuracy": _rate(in_scope),
        "vietnamese_accuracy": _rate(vi_kinds),
        "english_accuracy": _rate([per_kind["en"]]) if "en" in per_kind else None,
        "out_of_scope_declined": _rate([per_kind["oos"]]) if "oos" in per_kind else None,
        "language_detected": round(100 * language_right / max(total, 1), 1),
        "confused": [
            {"expected": e, "got": g, "count": n} for (e, g), n in confusions.most_common(15)
        ],
        "failures": failures,
    }


def _rate(counters: list[Counter[str]]) -> float:
    total = sum(c["total"] for c in counters)
    return round(100 * sum(c["right"] for c in counters) / total, 1) if total else 0.0


def report(outcome: dict[str, Any]) -> str:
    """A readable summary of `evaluate`'s figures."""
    lines = [f"Questions: {outcome['questions']}"]
    for kind, figures in outcome["kinds"].items():
        lines.append(
            f"  {kind:10s} {figures['accuracy']:5.1f}% of {figures['total']:4d}"
            f"  (right one suggested: {figures['suggested_right']},"
            f" declined: {figures['declined']})"
        )
    lines += [
        f"Vietnamese answered right: {outcome['vietnamese_accuracy']}%",
        f"English answered right:    {outcome['english_accuracy']}%",
        f"Out of scope declined:     {outcome['out_of_scope_declined']}%",
        f"Language detected:         {outcome['language_detected']}%",
        "Most confused (expected -> got):",
    ]
    lines += [f"  {c['expected']} -> {c['got']}: {c['count']}" for c in outcome["confused"]]
    return "\n".join(lines)
