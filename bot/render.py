"""Turn knowledge-base entries and bot sentences into the text people read."""

from __future__ import annotations

import re

from bot.texts import text
from knowledge.schema import Entry, KnowledgeBase, Text, TextList

_PLACEHOLDER = re.compile(r"\{([a-z_]+\.[a-z_]+)\}")


def answer_language(available: Text | TextList, lang: str) -> str:
    """The citizen's language when written, else English for foreigners, else Vietnamese."""
    if lang in available:
        return lang
    if lang != "vi" and "en" in available:
        return "en"
    return "vi"


def fill(kb: KnowledgeBase, template: str, lang: str) -> str:
    """Replace `{section.key}` placeholders with the commune's locality values."""

    def value(match: re.Match[str]) -> str:
        found = kb.locality_value(match.group(1), lang)
        return found if found is not None else match.group(0)

    return _PLACEHOLDER.sub(value, template)


def say(kb: KnowledgeBase, key: str, lang: str, **values: str) -> str:
    """A bot sentence in `lang` with locality values filled in."""
    return fill(kb, text(key, lang, **values), lang)


def title(entry: Entry, lang: str) -> str:
    """The entry's title in `lang` (or its fallback)."""
    return entry.title[answer_language(entry.title, lang)]


def render_entry(kb: KnowledgeBase, entry: Entry, lang: str) -> str:
    """The full answer for an entry: summary, procedure facts and source."""
    lang = answer_language(entry.answer, lang)
    parts = [f"📌 {title(entry, lang)}", entry.answer[lang]]
    procedure = entry.procedure
    if procedure is not None:
        _add_list(parts, text("documents", lang), procedure.documents, lang, "•")
        _add_list(parts, text("steps", lang), procedure.steps, lang, None)
        for key, field in (
            ("where", procedure.where),
            ("fee", procedure.fee),
            ("time", procedure.processing_time),
        ):
            if field:
                parts.append(f"{text(key, lang)} {field[answer_language(field, lang)]}")
        if procedure.online is not None:
            online = text(f"online.{procedure.online.level}", lang)
            url = (
                f" – {procedure.online.url}"
                if procedure.online.available and procedure.online.url
                else ""
            )
            parts.append(f"{text('online', lang)} {online}{url}")
        if procedure.legal_basis:
            parts.append(f"{text('legal', lang)} {'; '.join(procedure.legal_basis)}")
    if entry.source is not None and entry.checked is not None:
        source = entry.source.name + (f" – {entry.source.url}" if entry.source.url else "")
        parts.append(text("source", lang, source=source, date=entry.checked.strftime("%d/%m/%Y")))
    return fill(kb, "\n\n".join(parts), lang)


def _add_list(
    parts: list[str], label: str, items: TextList, lang: str, bullet: str | None
) -> None:
    if not items:
        return
    chosen = items[answer_language(items, lang)]
    lines = [f"{bullet} {item}" if bullet else f"{n}. {item}" for n, item in enumerate(chosen, 1)]
    parts.append("\n".join([label, *lines]))
