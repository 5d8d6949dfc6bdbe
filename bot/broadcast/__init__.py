"""Announcements to subscribers: subscriptions, audiences, delivery through the outbox, bulletin.

`install(assistant)` registers the citizen's commands and buttons (and the staff's /thongbao);
`Expander` is the dispatcher job that turns running announcements into outbox rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import bot.broadcast.models  # noqa: F401  (registers the tables)
from bot.broadcast import chat

if TYPE_CHECKING:
    from bot.assistant import Assistant


def install(assistant: Assistant) -> None:
    """Register /dangky, /huydangky, their buttons and words, and /thongbao for staff."""
    from bot.broadcast.compose import Compose

    assistant.command("dangky", "subscribe")(chat.private_only(chat.subscribe_command))
    assistant.command("huydangky", "unsubscribe")(chat.private_only(chat.unsubscribe_command))
    assistant.action(chat.CHOOSE, chat.private_only(chat.on_choose))
    assistant.action(chat.UNSUBSCRIBE, chat.on_unsubscribe_button)  # under a private message
    assistant.text_hook(chat.text_hook)
    compose = Compose()  # refuses groups and anyone who is not active staff
    assistant.command("thongbao")(compose.command)
    assistant.action(compose.ACTION, compose.on_action)
    assistant.flow(compose)
