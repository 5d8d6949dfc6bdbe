"""The question the intake asks at each step, with its buttons."""

from __future__ import annotations

from bot.feedback.config import CATEGORIES
from bot.feedback.draft import Draft, preview
from bot.feedback.offers import INTAKE
from bot.feedback.texts import category_label, say
from bot.messages import Button, Reply
from knowledge.normaliser import fold
from knowledge.schema import KnowledgeBase

Rows = tuple[tuple[Button, ...], ...]
EDITABLE = ("category", "description", "place", "contact")
_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "tre_hen": ("tre hen", "tre", "cham", "qua han", "late", "delay"),
    "thai_do": ("thai do", "can bo", "attitude", "staff"),
    "quy_dinh": ("quy dinh", "thu tuc", "regulation", "procedure"),
    "dvc": ("dich vu cong", "truc tuyen", "online", "dvc", "cong dich vu"),
    "khac": ("khac", "other"),
}
MAX_CATEGORY_WORDS = 5


def button(kb: KnowledgeBase, key: str, lang: str, arg: str) -> Button:
    """An intake button: label `key`, payload `pa:<arg>`."""
    return Button(say(kb, key, lang), f"{INTAKE}:{arg}")


def category_from_text(text: str) -> str | None:
    """A category typed as a number (1–5) or a few words ("trễ hẹn", "thái độ")."""
    folded = fold(text)
    if folded.isdigit() and 1 <= int(folded) <= len(CATEGORIES):
        return CATEGORIES[int(folded) - 1]
    if not folded or len(folded.split()) > MAX_CATEGORY_WORDS:
        return None
    padded = f" {folded} "
    for key, words in _CATEGORY_WORDS.items():
        if any(f" {word} " in padded for word in words):
            return key
    return None


def step_buttons(kb: KnowledgeBase, lang: str, step: str, draft: Draft) -> Rows:
    """The buttons under the question of `step`."""
    cancel = (button(kb, "btn.cancel", lang, "cancel"),)
    if step == "category":
        labels = [Button(category_label(c, lang), f"{INTAKE}:cat:{c}") for c in CATEGORIES]
        return (*((b,) for b in labels), cancel)
    if step == "description":
        if draft.description:
            return ((button(kb, "btn.next", lang, "next"),), cancel)
        return (cancel,)
    if step in ("place", "name"):
        return ((button(kb, "btn.skip", lang, "skip"),), cancel)
    if step == "phone":
        return ((button(kb, "btn.skip_phone", lang, "skip"),), cancel)
    if step == "consent":
        yes = button(kb, "btn.consent_yes", lang, "consent:yes")
        no = button(kb, "btn.consent_no", lang, "consent:no")
        return ((yes,), (no,), cancel)
    if step == "edit":
        fields = [button(kb, f"btn.edit.{f}", lang, f"editf:{f}") for f in EDITABLE]
        return ((fields[0], fields[1]), (fields[2], fields[3]), cancel)
    confirm = button(kb, "btn.confirm", lang, "confirm")
    return ((confirm,), (button(kb, "btn.edit", lang, "edit"), cancel[0]))


def step_question(kb: KnowledgeBase, lang: str, step: str, draft: Draft) -> str:
    """The question of `step` (the summary shows the whole draft)."""
    if step == "description" and draft.rewrite:
        return say(kb, "ask.description.rewrite", lang, text=preview(draft.description))
    if step == "description" and draft.description:
        kept = say(kb, "draft.description", lang, text=preview(draft.description))
        return f"{kept}\n{say(kb, 'ask.description.continue', lang)}"
    if step == "summary":
        return draft.summary(lang)
    return say(kb, f"ask.{step}", lang)


def prompt(
    kb: KnowledgeBase, lang: str, step: str, draft: Draft, notes: list[str], ask: bool = True
) -> Reply:
    """One message: what happened (`notes`), then the step's question unless `ask` is False."""
    parts = [*notes, step_question(kb, lang, step, draft)] if ask else notes
    return Reply("\n\n".join(parts), step_buttons(kb, lang, step, draft), {"flow_step": step})
