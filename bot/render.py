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


DETAILS = ("documents", "steps", "legal")


def render_entry(kb: KnowledgeBase, entry: Entry, lang: str, details: tuple[str, ...] = ()) -> str:
    """The answer for an entry, short enough for a phone.

    Summary, where, fee, time, online and the source always show; documents, steps and the
    legal basis only when asked for in `details` (a button, or a question about them).
    """
    lang = answer_language(entry.answer, lang)
    parts = [f"📌 {title(entry, lang)}", entry.answer[lang]]
    procedure = entry.procedure
    if procedure is not None:
        if "documents" in details:
            _add_list(parts, text("documents", lang), procedure.documents, lang, "•")
        if "steps" in details:
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
            link = procedure.online.url if procedure.online.available else None
            parts.append(f"{text('online', lang)} {online}" + (f" – {link}" if link else ""))
        if "legal" in details and procedure.legal_basis:
            parts.append(f"{text('legal', lang)} {'; '.join(procedure.legal_basis)}")
    if entry.source is not None:
        source = entry.source.name
        if "legal" in details and entry.source.url:
            source += f" – {entry.source.url}"
        date = entry.checked.strftime("%d/%m/%Y") if entry.checked else "?"
        parts.append(text("source", lang, source=source, date=date))
    return fill(kb, "\n\n".join(parts), lang)


def available_details(entry: Entry) -> list[str]:
    """The detail sections this entry has (for "show more" buttons)."""
    procedure = entry.procedure
    if procedure is None:
        return []
    found = {"documents": bool(procedure.documents), "steps": bool(procedure.steps)}
    found["legal"] = bool(procedure.legal_basis)
    return [name for name in DETAILS if found[name]]


def _add_list(
    parts: list[str], label: str, items: TextList, lang: str, bullet: str | None
) -> None:
    if not items:
        return
    chosen = items[answer_language(items, lang)]
    lines = [f"{bullet} {item}" if bullet else f"{n}. {item}" for n, item in enumerate(chosen, 1)]
    parts.append("\n".join([label, *lines]))
