"""A Sender for the console channel: prints outbox messages as the console chat shows replies."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.messages import Reply
from handlers.console import CHANNEL, render


class ConsoleSender:
    """Prints each delivery with its recipient; never fails, no rate limit worth the name."""

    channel = CHANNEL
    rate_per_second = 1000.0

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        """Print `replies` for `recipient`, buttons numbered as in the console chat."""
        out = self.out or sys.stdout
        text, _buttons = render(replies)
        out.write(f"── to {recipient} ──\n{text}\n")
        out.flush()
