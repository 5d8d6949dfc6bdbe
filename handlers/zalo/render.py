"""`Reply` → Zalo texts: buttons as numbered choices, each text within Zalo's 2,000 limit."""

from __future__ import annotations

from bot.messages import Button, Reply
from handlers.layout import numbered, split

MAX_TEXT = 2000  # Zalo's limit for a customer-service text message


def render(replies: list[Reply], limit: int = MAX_TEXT) -> tuple[list[str], list[Button]]:
    """The texts to send in order, and the buttons shown (choice N is `buttons[N-1]`).

    The numbered choices stay together at the end of their reply's last piece, so the citizen
    sees the numbers right under the question they answer.
    """
    texts, shown = numbered(replies)
    return [piece for text in texts for piece in split(text, limit)], shown
