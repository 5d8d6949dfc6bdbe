"""`cchc-bot eval`: what the matcher did with each labelled question, per kind.

Every question lands in one outcome: **right** (answered with the labelled topic, or declined
when out of scope), **suggested** (the labelled topic among the suggestions), **declined**,
**variant** (an out-of-scope question answered by a variant's own short answer or redirect,
never the topic's general answer), **wrong** (confidently wrong: answered with another topic,
or answered an out-of-scope question) or **other** (suggestions without the right topic).
Items with an `aspect` label also count aspect accuracy when the match reports `.aspect`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from knowledge.matcher import Match, Matcher

OUTCOMES = ("right", "suggested", "declined", "variant", "wrong", "other")
_NO_ASPECT = object()


def load_devset(path: Path) -> list[dict[str, Any]]:
    """Items with q, intent (id or null), kind and lang."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a list of questions")
    return items


def outcome(item: dict[str, Any], match: Match) -> str:
    """Which of OUTCOMES the match is for this labelled item."""
    expected = item["intent"]
    if expected is None:
        if match.band == "decline":
            return "right"
        if match.band == "answer":
            return "variant" if getattr(match, "variant", None) else "wrong"
        return "other"
    if match.band == "answer":
        return "right" if match.intent == expected else "wrong"
    if match.band == "suggest":
        return "suggested" if expected in match.suggestions else "other"
    return "declined"


def evaluate(matcher: Matcher, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures for `items` as matched by `matcher` (see `tally`)."""
    return tally(items, [matcher.match(item["q"]) for item in items])


def tally(items: Sequence[dict[str, Any]], matches: Sequence[Match]) -> dict[str, Any]:
    """Per-kind outcomes, the headline rates, aspect accuracy, language and confusions."""
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    aspects: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    language_right = 0
    failures: list[dict[str, Any]] = []
    for item, match in zip(items, matches, strict=True):
        result = outcome(item, match)
        ok = result in ("right", "variant")
        counts = per_kind[item["kind"]]
        counts["total"] += 1
        counts[result] += 1
        group = _group(item)
        groups[group]["total"] += 1
        groups[group]["ok"] += ok
        groups[group]["wrong"] += result == "wrong"
        language_right += match.lang == item.get("lang", match.lang)
        got_aspect = getattr(match, "aspect", _NO_ASPECT)
        if "aspect" in item and got_aspect is not _NO_ASPECT:
            aspects["total"] += 1
            aspects["right"] += got_aspect == item["aspect"]
        if not ok:
            got = match.intent if match.band != "decline" else "decline"
            confusions[(str(item["intent"]), f"{got}({match.band})")] += 1
            failures.append(
                {
                    "q": item["q"],
                    "expected": item["intent"],
                    "got": got,
                    "band": match.band,
                    "score": match.score,
                    "outcome": result,
                }
            )
    return {
        "questions": len(items),
        "kinds": {kind: _kind(c) for kind, c in sorted(per_kind.items())},
        "in_scope_accuracy": _rate(groups["vi"] + groups["en"], "ok"),
        "vietnamese_accuracy": _rate(groups["vi"], "ok"),
        "english_accuracy": _rate(groups["en"], "ok"),
        "out_of_scope_declined": _rate(groups["oos"], "ok"),
        "confidently_wrong": {g: _rate(groups[g], "wrong") for g in ("vi", "en", "oos")},
        "aspect_accuracy": _rate(aspects, "right"),
        "language_detected": round(100 * language_right / max(len(items), 1), 1),
        "confused": [
            {"expected": e, "got": g, "count": n} for (e, g), n in confusions.most_common(15)
        ],
        "failures": failures,
    }


def _group(item: dict[str, Any]) -> str:
    if item["intent"] is None:
        return "oos"
    return "en" if item.get("lang") == "en" or item["kind"] == "en" else "vi"


def _kind(counts: Counter[str]) -> dict[str, Any]:
    figures: dict[str, Any] = {"total": counts["total"]}
    figures["accuracy"] = round(100 * (counts["right"] + counts["variant"]) / counts["total"], 1)
    figures.update({name: counts[name] for name in OUTCOMES})
    figures["suggested_right"] = counts["suggested"]  # the earlier name, kept for old readers
    return figures


def _rate(counts: Counter[str], key: str) -> float | None:
    return round(100 * counts[key] / counts["total"], 1) if counts["total"] else None


def report(outcome: dict[str, Any]) -> str:
    """A readable summary of `tally`'s figures."""
    lines = [f"Questions: {outcome['questions']}"]
    lines.append(f"  {'kind':10s} {'ok':>6s} of  all " + " ".join(f"{n:>9s}" for n in OUTCOMES))
    for kind, figures in outcome["kinds"].items():
        counts = " ".join(f"{figures[name]:9d}" for name in OUTCOMES)
        lines.append(f"  {kind:10s} {figures['accuracy']:5.1f}% of {figures['total']:4d} {counts}")
    wrong = outcome["confidently_wrong"]
    lines += [
        f"Vietnamese answered right: {_shown(outcome['vietnamese_accuracy'])}"
        f"   (confidently wrong {_shown(wrong['vi'])})",
        f"English answered right:    {_shown(outcome['english_accuracy'])}"
        f"   (confidently wrong {_shown(wrong['en'])})",
        f"Out of scope declined:     {_shown(outcome['out_of_scope_declined'])}"
        f"   (confidently wrong {_shown(wrong['oos'])})",
        f"Aspect right:              {_shown(outcome['aspect_accuracy'])}",
        f"Language detected:         {outcome['language_detected']}%",
        "Most confused (expected -> got):",
    ]
    lines += [f"  {c['expected']} -> {c['got']}: {c['count']}" for c in outcome["confused"]]
    return "\n".join(lines)


def _shown(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate}%"
