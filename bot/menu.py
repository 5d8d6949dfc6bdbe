"""Menu navigation: topic groups → topics → answer, with back and home buttons."""

from __future__ import annotations

from bot.answers import entry_text
from bot.callbacks import number
from bot.feedback import offers
from bot.messages import Button, Reply
from bot.render import answer_language, say, title
from knowledge.schema import Entry, KnowledgeBase

MENU = "menu"
GROUP = "grp"
ENTRY = "ent"
RATE = "rate"
FORWARD = "fwd"
NONE_OF_THESE = "none"
LANGUAGE = "lang"
DETAIL = "det"
QUIZ = "thi"  # knowledge contests (bot/quiz): thi:list, thi:open:<id> …
CHOICE = "num"  # a typed number matching no button shown: num:<typed>:<buttons shown>
MAX_CHOICES = 99


def payload(kind: str, *parts: object) -> str:
    """A button payload: kind and arguments joined by ':' (kept short for Telegram's 64 bytes)."""
    return ":".join([kind, *(str(p) for p in parts)])


def home_row(kb: KnowledgeBase, lang: str) -> tuple[Button, ...]:
    """The "main menu" button row."""
    return (Button(say(kb, "menu.home", lang), payload(MENU)),)


def main_menu(kb: KnowledgeBase, lang: str, intro: str | None = None) -> Reply:
    """The topic groups as buttons, two per row."""
    buttons = [
        Button(group.title[answer_language(group.title, lang)], payload(GROUP, group.id))
        for group in kb.menu_groups()
    ]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    if kb.contests:  # always, not only while one is open: the menu does not change by date
        rows += ((Button(say(kb, "menu.quiz", lang), payload(QUIZ, "list")),),)
    return Reply(intro or say(kb, "menu.title", lang), rows)


def group_menu(kb: KnowledgeBase, group_id: str, lang: str) -> Reply:
    """The topics of one group, one per row, then back/home."""
    group = kb.groups.get(group_id)
    if group is None:
        return main_menu(kb, lang)
    rows: list[tuple[Button, ...]] = [
        (Button(title(kb.entries[entry_id], lang), payload(ENTRY, entry_id)),)
        for entry_id in group.entry_ids
    ]
    if group_id == offers.GROUP:
        rows.insert(0, offers.feedback_row(kb, lang))
    rows.append((Button(say(kb, "menu.back", lang), payload(MENU)),))
    name = group.title[answer_language(group.title, lang)]
    return Reply(say(kb, "menu.group", lang, group=name), tuple(rows))


def entry_reply(
    kb: KnowledgeBase,
    entry: Entry,
    lang: str,
    rating_ref: str,
    aspect: str | None = None,
    heading: str | None = None,
) -> Reply:
    """An answer (what was asked first, given an aspect) with buttons for the rest of the entry,
    👍/👎, related topics and back/home buttons."""
    text, more = entry_text(kb, entry, lang, aspect, heading)
    rows: list[tuple[Button, ...]] = []
    buttons = [
        Button(say(kb, f"button.{part}", lang), payload(DETAIL, entry.id, part, rating_ref))
        for part in more
    ]
    rows += [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows += [
        (
            Button(say(kb, "rate.up", lang), payload(RATE, entry.id, rating_ref, "up")),
            Button(say(kb, "rate.down", lang), payload(RATE, entry.id, rating_ref, "down")),
        )
    ]
    if entry.id in offers.ENTRIES:
        rows.append(offers.feedback_row(kb, lang))
    related = [kb.entries[r] for r in entry.related if r in kb.entries][:2]
    if related:
        rows.append(tuple(Button(f"➡️ {title(r, lang)}", payload(ENTRY, r.id)) for r in related))
    back = [Button(say(kb, "menu.home", lang), payload(MENU))]
    if entry.group in kb.groups and kb.groups[entry.group].menu:
        back.insert(0, Button(say(kb, "menu.back", lang), payload(GROUP, entry.group)))
    rows.append(tuple(back))
    return Reply(text, tuple(rows), {"intent": entry.id})


def out_of_range(kb: KnowledgeBase, lang: str, arg: str) -> Reply:
    """A typed number that is none of the numbered buttons: ask for one of 1–N."""
    _typed, _, shown = arg.partition(":")
    count = number(shown, 1, MAX_CHOICES)
    if count is None:
        return main_menu(kb, lang)
    if count == 1:
        return Reply(say(kb, "choice.one", lang))
    return Reply(say(kb, "choice.range", lang, count=str(count)))
