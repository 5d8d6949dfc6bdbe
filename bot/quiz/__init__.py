"""Knowledge contests ("Tìm hiểu CCHC") run in the chat: `/thi`, the menu row, the buttons.

`install(assistant)` registers them with the core; the contests themselves are knowledge-base
data (`knowledge/data/contests/`). No channel code: buttons become numbered choices where a
channel has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import bot.quiz.models  # noqa: F401  (registers the table on bot.models.Base.metadata)
from bot.quiz import chat

if TYPE_CHECKING:
    from bot.assistant import Assistant


def install(assistant: Assistant) -> None:
    """Register `/thi`, the `thi:` buttons and the prediction flow on `assistant`."""
    assistant.command("thi", "cuocthi", "quiz")(chat.private_only(chat.command))
    assistant.action(chat.ACTION, chat.private_only(chat.on_action))
    assistant.flow(chat.PredictionFlow())
