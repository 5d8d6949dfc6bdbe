"""What the bot says for a match: the answer, the suggestion prompt or a polite decline."""

from __future__ import annotations

from bot import variant_text
from bot.render import (
    aspect_buttons,
    available_details,
    has_aspect,
    render_aspect,
    render_entry,
    say,
    title,
)
from knowledge.matcher import Match
from knowledge.schema import Entry, KnowledgeBase


def reply_language(match: Match) -> str:
    """Answer in the citizen's language when the bot speaks it, else English, else Vietnamese."""
    return match.lang if match.lang in ("vi", "en") else "en"


def compose(kb: KnowledgeBase, match: Match, lang: str | None = None) -> str:
    """The text shown for `match` (without buttons)."""
    lang = lang or reply_language(match)
    if match.band == "answer" and match.intent and match.variant:
        entry = kb.entries[match.intent]
        variant = variant_text.find(entry, match.variant)
        if variant is not None:
            return variant_text.render_variant(kb, entry, variant, lang)
    if match.band == "answer" and match.intent:
        return entry_text(kb, kb.entries[match.intent], lang, match.aspect)[0]
    if match.band == "suggest":
        options = "\n".join(
            f"{n}. {title(kb.entries[i], lang)}" for n, i in enumerate(match.suggestions, 1)
        )
        return f"{say(kb, 'suggest', lang)}\n{options}"
    return decline_text(kb, match, lang)


def entry_text(
    kb: KnowledgeBase,
    entry: Entry,
    lang: str,
    aspect: str | None = None,
    heading: str | None = None,
) -> tuple[str, list[str]]:
    """An entry's text, with what was asked (`aspect`) first, and the parts to offer as buttons.

    An entry without a field for the aspect says so politely and gives the general answer.
    """
    if aspect:
        shown = render_aspect(kb, entry, lang, aspect, heading)
        if shown is not None:
            return shown, aspect_buttons(entry, aspect)
    text = render_entry(kb, entry, lang)
    if aspect and entry.procedure is not None and not has_aspect(entry, aspect):
        what = say(kb, f"aspect.name.{aspect}", lang)
        missing = say(kb, "aspect.missing", lang, title=title(entry, lang), what=what)
        text = f"{missing}\n\n{text}"
    if heading:
        text = f"{heading}\n\n{text}"
    return text, available_details(entry)


def decline_text(kb: KnowledgeBase, match: Match, lang: str) -> str:
    """A polite "I don't know", or where to go instead for an out-of-scope matter."""
    if not match.query.strip() or (match.score == 0 and not any(c.isalnum() for c in match.query)):
        return say(kb, "decline.empty", lang)
    if match.redirect:
        entry = kb.entries[match.redirect]
        return render_entry(kb, entry, lang) + "\n\n" + say(kb, "decline.redirect", lang)
    return say(kb, "decline", lang)
