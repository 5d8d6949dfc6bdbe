"""`cchc-bot ask`: the stable JSON contract used by outside evaluation scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from bot.answers import compose
from knowledge.matcher import Matcher


def result(matcher: Matcher, query: str) -> dict[str, Any]:
    """One question's result: query, intent, band, score, suggestions, lang, answer, variant,
    aspect."""
    match = matcher.match(query)
    return {
        "query": query,
        "intent": match.intent if match.band != "decline" else None,
        "band": match.band,
        "score": round(max(0.0, min(100.0, match.score)), 1),
        "suggestions": list(match.suggestions),
        "lang": match.lang,
        "answer": compose(matcher.kb, match),
        "variant": match.variant if match.band == "answer" else None,
        "aspect": match.aspect,
    }


def stream(matcher: Matcher, lines: Iterable[str]) -> Iterator[str]:
    """One JSON line out for each line in, in order (blank lines give a decline too)."""
    for line in lines:
        yield json.dumps(result(matcher, line.rstrip("\r\n")), ensure_ascii=False)
