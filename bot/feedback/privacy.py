"""Feedback in group chats: nothing personal is shown where others read.

A ticket's contents, the staff answer, the citizen's name and phone, the intake summary and a
tracking lookup appear only in a private chat, or in the staff group (`STAFF_CHAT_ID`), whose
members are the staff themselves. Anywhere else the citizen is asked, politely, to continue
in a private chat. Every feedback command, button, flow and text hook is wrapped here.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.feedback.texts import say
from bot.messages import Reply
from bot.models import DialogueState
from bot.turn import Flow, Handler, Turn

TextHook = Callable[[Turn], list[Reply] | None]


class Privacy:
    """Knows which group is the staff's and wraps handlers so they refuse other groups."""

    def __init__(self, staff_chat_id: int | None) -> None:
        self.staff_group = None if staff_chat_id is None else str(staff_chat_id)

    def others_read(self, turn: Turn) -> bool:
        """The message was written in a group other than the staff group."""
        group = turn.inbound.group
        return group is not None and group != self.staff_group

    def refuse(self, turn: Turn) -> list[Reply]:
        """Ask the citizen to continue in a private chat."""
        return [Reply(say(turn.kb, "privacy.private_only", turn.lang))]

    def handler(self, handler: Handler) -> Handler:
        """`handler`, or the refusal when others read the chat."""

        def guarded(turn: Turn, arg: str, /) -> list[Reply]:
            return self.refuse(turn) if self.others_read(turn) else handler(turn, arg)

        return guarded

    def hook(self, hook: TextHook) -> TextHook:
        """`hook`, whose answer (if it has one) becomes the refusal when others read."""

        def guarded(turn: Turn) -> list[Reply] | None:
            replies = hook(turn)
            return self.refuse(turn) if replies is not None and self.others_read(turn) else replies

        return guarded

    def flow(self, flow: Flow) -> Flow:
        """`flow`, which does not advance (and says why) when others read the chat."""
        return _GuardedFlow(self, flow)


class _GuardedFlow:
    def __init__(self, privacy: Privacy, flow: Flow) -> None:
        self.privacy, self.inner, self.name = privacy, flow, flow.name

    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        if self.privacy.others_read(turn):
            return self.privacy.refuse(turn)
        return self.inner.on_message(turn, state)
