"""The reply for a variant of an entry: its short answer, then the way to the general one."""

from __future__ import annotations

from bot.menu import ENTRY, home_row, payload
from bot.messages import Button, Reply
from bot.render import title
from bot.variant_text import render_variant
from knowledge.schema import Entry, KnowledgeBase, Variant


def variant_reply(kb: KnowledgeBase, entry: Entry, variant: Variant, lang: str) -> Reply:
    """The variant's answer with a button to the entry's general answer and the home button."""
    general = Button(f"➡️ {title(entry, lang)}", payload(ENTRY, entry.id))
    rows = ((general,), home_row(kb, lang))
    meta = {"intent": entry.id, "variant": variant.id}
    return Reply(render_variant(kb, entry, variant, lang), rows, meta)
