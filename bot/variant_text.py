"""A variant's text: the short answer for a case its entry's general answer does not cover."""

from __future__ import annotations

from bot.render import answer_language, fill, title
from bot.texts import text
from knowledge.schema import Entry, KnowledgeBase, Variant


def find(entry: Entry, variant_id: str) -> Variant | None:
    """The entry's variant with this id."""
    return next((v for v in entry.variants if v.id == variant_id), None)


def render_variant(kb: KnowledgeBase, entry: Entry, variant: Variant, lang: str) -> str:
    """Title, the variant's own answer, where to go, its legal basis and the hotline line."""
    lang = answer_language(variant.answer, lang)
    name = variant.title[answer_language(variant.title, lang)] if variant.title else None
    parts = [f"📌 {name or title(entry, lang)}", variant.answer[lang]]
    if variant.where:
        parts.append(
            f"{text('where', lang)} {variant.where[answer_language(variant.where, lang)]}"
        )
    if variant.legal_basis:
        parts.append(f"{text('legal', lang)} {'; '.join(variant.legal_basis)}")
    if "{hotline.commune}" not in variant.answer[lang]:
        parts.append(text("decline.redirect", lang))
    return fill(kb, "\n\n".join(parts), lang)
