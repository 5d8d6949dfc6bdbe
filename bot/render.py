"""Turn knowledge-base entries and bot sentences into the text people read."""

from __future__ import annotations

import re

from bot.texts import LANGUAGES, text
from knowledge.normaliser import fold
from knowledge.schema import Entry, KnowledgeBase, Procedure, Text, TextList

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
# Other parts of an entry offered as buttons under an aspect answer, in this order.
ASPECT_BUTTONS = ("documents", "steps", "where", "fee", "time")
FULL = "full"  # the button for the whole entry


def render_entry(kb: KnowledgeBase, entry: Entry, lang: str, details: tuple[str, ...] = ()) -> str:
    """The answer for an entry, short enough for a phone.

    Summary, where, fee, time, online and the source always show; documents, steps and the
    legal basis only when asked for in `details`.
    """
    lang = answer_language(entry.answer, lang)
    parts = [f"📌 {title(entry, lang)}", entry.answer[lang]]
    procedure = entry.procedure
    if procedure is not None:
        if "documents" in details:
            _add_list(parts, text("documents", lang), procedure.documents, lang, "•")
        if "steps" in details:
            _add_list(parts, text("steps", lang), procedure.steps, lang, None)
        for key in ("where", "fee", "time", "online"):
            parts.extend(_field_lines(procedure, key, lang))
        if "legal" in details and procedure.legal_basis:
            parts.append(f"{text('legal', lang)} {'; '.join(procedure.legal_basis)}")
    parts.append(_source_line(entry, lang, with_url="legal" in details))
    return fill(kb, "\n\n".join(p for p in parts if p), lang)


def render_aspect(
    kb: KnowledgeBase, entry: Entry, lang: str, aspect: str, heading: str | None = None
) -> str | None:
    """What was asked first (fee, documents, ...), then the legal basis in short and the source.

    None when the entry has no procedure field for `aspect` (or none in the reader's language);
    "who" is answered by the summary.
    `heading` replaces the title line (a follow-up names the topic it took).
    """
    lang = answer_language(entry.answer, lang)
    if lang not in LANGUAGES and aspect != "who":
        return None  # the fields are written in vi/en: a Hmông reader gets the summary
    block = _aspect_block(entry, aspect, lang)
    if not block:
        return None
    parts = [heading or f"📌 {title(entry, lang)}", *block]
    procedure = entry.procedure
    if procedure is not None and procedure.legal_basis and aspect != "legal":
        more = len(procedure.legal_basis) - 1
        key = "legal.short.more" if more else "legal.short"
        first = short_basis(procedure.legal_basis, aspect)
        parts.append(text(key, lang, first=first, more=str(more)))
    parts.append(_source_line(entry, lang, with_url=aspect == "legal"))
    return fill(kb, "\n\n".join(p for p in parts if p), lang)


# The legal text to name first for an aspect: the one about fees for a fee question, ...
_BASIS_WORDS = {"fee": ("phi",), "online": ("truc tuyen", "dien tu")}


def short_basis(basis: tuple[str, ...], aspect: str) -> str:
    """The one legal text to name under an aspect answer (the rest sit behind a button)."""
    for item in basis:
        folded = f" {fold(item)} "
        if any(f" {word} " in folded for word in _BASIS_WORDS.get(aspect, ())):
            return item
    return basis[0]


def has_aspect(entry: Entry, aspect: str) -> bool:
    """True when the entry has something to say first about `aspect`."""
    return bool(_aspect_block(entry, aspect, "vi"))


def _aspect_block(entry: Entry, aspect: str, lang: str) -> list[str]:
    procedure = entry.procedure
    if procedure is None:
        return []
    if aspect == "who":
        return [entry.answer[answer_language(entry.answer, lang)]]
    if aspect in ("documents", "steps"):
        parts: list[str] = []
        items = procedure.documents if aspect == "documents" else procedure.steps
        _add_list(parts, text(aspect, lang), items, lang, "•" if aspect == "documents" else None)
        return parts
    if aspect == "legal":
        basis = [f"• {item}" for item in procedure.legal_basis]
        return ["\n".join([text("legal", lang), *basis])] if basis else []
    lines = _field_lines(procedure, aspect, lang)
    if lines and aspect == "where" and procedure.online and procedure.online.available:
        lines += _field_lines(procedure, "online", lang)  # applying online is also an answer
    if lines and aspect == "online" and procedure.online and not procedure.online.available:
        lines += _field_lines(procedure, "where", lang)  # where to go instead
    return lines


def _field_lines(procedure: Procedure, key: str, lang: str) -> list[str]:
    """One labelled line for the where/fee/time/online field, or none when it is empty."""
    if key == "online":
        if procedure.online is None:
            return []
        online = text(f"online.{procedure.online.level}", lang)
        link = procedure.online.url if procedure.online.available else None
        return [f"{text('online', lang)} {online}" + (f" – {link}" if link else "")]
    fields = {"where": procedure.where, "fee": procedure.fee, "time": procedure.processing_time}
    field = fields.get(key)
    if not field:
        return []
    return [f"{text(key, lang)} {field[answer_language(field, lang)]}"]


def _source_line(entry: Entry, lang: str, *, with_url: bool) -> str:
    if entry.source is None:
        return ""
    source = entry.source.name
    if with_url and entry.source.url:
        source += f" – {entry.source.url}"
    date = entry.checked.strftime("%d/%m/%Y") if entry.checked else "?"
    return text("source", lang, source=source, date=date)


def aspect_buttons(entry: Entry, aspect: str, limit: int = 3) -> list[str]:
    """The other parts of the entry to offer under an aspect answer, then the whole entry."""
    others = [a for a in ASPECT_BUTTONS if a != aspect and has_aspect(entry, a)]
    return [*others[:limit], FULL]


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
