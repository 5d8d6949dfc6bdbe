"""The contract between the core's outbox and each channel's sender."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Reply

EDIT_MESSAGE_ID = "edit_message_id"  # Reply.meta: edit this platform message in place
# Reply.meta of an announcement with a picture: its address, and the line of the text that
# carries it (channels that can send a photo send it with the rest as caption and drop that
# line; the others send the text as it is, line included).
PHOTO, PHOTO_LINE = "photo", "photo_line"


class DeliveryError(Exception):
    """A send failed. `retry_after` (seconds) when the platform asked us to wait (HTTP 429);
    `permanent` when retrying cannot help (blocked by the user, chat not found); `held` when
    the platform allows no message now but will once the citizen writes again (Zalo's
    interaction window): the row is kept, shown to staff, and sent when the window reopens."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        held: bool = False,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.held = held


class Sender(Protocol):
    """Sends replies to one user (or staff chat) on one channel; raises DeliveryError."""

    channel: str
    rate_per_second: float  # the platform's sustained limit for this bot

    async def send(self, recipient: str, replies: list[Reply]) -> str | None:
        """Deliver `replies` to `recipient` (the channel's user or chat id), in order; the
        platform's id of the last message sent when it gives one (Telegram), else None.

        A reply whose meta has `edit_message_id` edits that message instead of sending a new
        one, on senders that report ids (the core asks for edits only of messages whose id a
        sender reported)."""
        ...
