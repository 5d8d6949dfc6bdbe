"""What the bot says for a match: the answer, the suggestion prompt or a polite decline."""

from __future__ import annotations

import re

from bot import variants
from bot.render import render_entry, say, title
from knowledge.matcher import Match
from knowledge.normaliser import fold
from knowledge.schema import KnowledgeBase

# What a question asks about, on folded text: the answer then includes that section.
_ASKS = {
    "documents": re.compile(
        r"\b(giay to|ho so|can gi|can nhung gi|mang gi|mang theo|chuan bi|documents?|papers?"
        r"|what do i need|bring)\b"
    ),
    "steps": re.compile(r"\b(cac buoc|quy trinh|trinh tu|tung buoc|steps?|process|procedure)\b"),
    "legal": re.compile(r"\b(can cu|luat|nghi dinh|thong tu|quy dinh nao|legal|law|decree)\b"),
}


def asked_details(question: str) -> tuple[str, ...]:
    """The answer sections a question asks for (documents, steps, legal basis)."""
    folded = fold(question)
    return tuple(name for name, pattern in _ASKS.items() if pattern.search(folded))


def reply_language(match: Match) -> str:
    """Answer in the citizen's language when the bot speaks it, else English, else Vietnamese."""
    return match.lang if match.lang in ("vi", "en") else "en"


def compose(kb: KnowledgeBase, match: Match, lang: str | None = None) -> str:
    """The text shown for `match` (without buttons)."""
    lang = lang or reply_language(match)
    if match.band == "answer" and match.intent and match.variant:
        entry = kb.entries[match.intent]
        variant = variants.find(entry, match.variant)
        if variant is not None:
            return variants.render_variant(kb, entry, variant, lang)
    if match.band == "answer" and match.intent:
        return render_entry(kb, kb.entries[match.intent], lang, asked_details(match.query))
    if match.band == "suggest":
        options = "\n".join(
            f"{n}. {title(kb.entries[i], lang)}" for n, i in enumerate(match.suggestions, 1)
        )
        return f"{say(kb, 'suggest', lang)}\n{options}"
    return decline_text(kb, match, lang)


def decline_text(kb: KnowledgeBase, match: Match, lang: str) -> str:
    """A polite "I don't know", or where to go instead for an out-of-scope matter."""
    if not match.query.strip() or (match.score == 0 and not any(c.isalnum() for c in match.query)):
        return say(kb, "decline.empty", lang)
    if match.redirect:
        entry = kb.entries[match.redirect]
        return render_entry(kb, entry, lang) + "\n\n" + say(kb, "decline.redirect", lang)
    return say(kb, "decline", lang)
