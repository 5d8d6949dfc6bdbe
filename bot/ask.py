"""`cchc-bot ask`: the stable JSON contract used by outside evaluation scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from bot.answers import compose
from bot.feedback.grievance import Grievances
from bot.feedback.texts import category_label
from bot.render import say
from knowledge.matcher import Matcher

# What the chat does with a grievance told in free text: it offers to file it as phản ánh.
GRIEVANCE_INTENT = "phan_anh_kien_nghi"


@cache
def _grievances(matcher: Matcher) -> Grievances:
    return Grievances.load(matcher.kb.lexicon.abbreviations)


def result(matcher: Matcher, query: str) -> dict[str, Any]:
    """One question's result: query, intent, band, score, suggestions, lang, answer, variant,
    aspect — the same decision the chat takes (a told grievance is offered for filing)."""
    match = matcher.match(query)
    outcome = {
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
    found = _grievances(matcher).detect(query.strip())
    if found is not None and GRIEVANCE_INTENT in matcher.kb.entries:
        label = category_label(found.category, match.lang)
        offer = say(matcher.kb, "grievance.offer", match.lang, category=label)
        outcome.update(intent=GRIEVANCE_INTENT, band="answer", suggestions=[], answer=offer)
        outcome.update(variant=None, aspect=None)
    return outcome


def stream(matcher: Matcher, lines: Iterable[str]) -> Iterator[str]:
    """One JSON line out for each line in, in order (blank lines give a decline too)."""
    for line in lines:
        yield json.dumps(result(matcher, line.rstrip("\r\n")), ensure_ascii=False)
