"""A typed number where no numbered choice is waiting: ask for a button or a question.

Channels with numbered choices (console, Zalo) turn a number outside them into a `num:`
payload (bot/menu.py `out_of_range`). Anywhere else, a message that is only a short number
("5", "12.") is a slip, not a question: sending it to the matcher would decline it and log
it as unanswered. It gets the main menu with a line saying how to choose, and is not logged.
"""

from __future__ import annotations

import re

from bot import menu
from bot.messages import Reply
from bot.render import say
from bot.turn import Turn

# One to three digits (any script's digits, e.g. full-width), optionally wrapped in spaces or
# followed by one punctuation mark; "113" or "1900 1234" with more digits is left to the matcher.
_BARE_NUMBER = re.compile(r"\s*[#(]?\d{1,3}[).:!?]?\s*")


def is_bare_number(text: str) -> bool:
    """`text` is only a short number, as typed to pick an item."""
    return _BARE_NUMBER.fullmatch(text) is not None


def bare_number(turn: Turn) -> list[Reply] | None:
    """The text hook: the main menu with a hint for a bare number, else None."""
    text = turn.inbound.text or ""
    if not is_bare_number(text):
        return None
    return [menu.main_menu(turn.kb, turn.lang, say(turn.kb, "choice.none", turn.lang))]
