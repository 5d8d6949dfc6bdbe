"""Sending rendered messages: one helper for the live bot, and the outbox's `Sender`."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.delivery import EDIT_MESSAGE_ID, PHOTO, PHOTO_LINE, DeliveryError
from bot.messages import Reply
from handlers.telegram.api import edit_text, send_outgoing, send_photo
from handlers.telegram.convert import CHANNEL
from handlers.telegram.redact import redact
from handlers.telegram.render import Outgoing, escape, keyboard, length, render
from handlers.telegram.retry import retry_after_seconds

log = logging.getLogger(__name__)
MAX_CAPTION = 1024  # a photo caption, in UTF-16 code units
RATE_PER_SECOND = 25.0  # Telegram allows ~30 messages/s per bot; stay under it


def chat_id_of(recipient: str) -> int | str:
    """A numeric chat id as int; `@channelname` stays a string."""
    return int(recipient) if recipient.lstrip("-").isdigit() else recipient


def delivery_error(error: TelegramError, secrets: tuple[str, ...] = ()) -> DeliveryError:
    """The outbox's view of a Telegram error: wait, give up for good, or retry later."""
    message = redact(f"{type(error).__name__}: {error.message}", secrets)
    if isinstance(error, RetryAfter):
        return DeliveryError(message, retry_after=retry_after_seconds(error))
    if isinstance(error, Forbidden | ChatMigrated | BadRequest):
        # Blocked, kicked, chat not found, or a message Telegram refuses: retrying cannot help.
        return DeliveryError(message, permanent=True)
    return DeliveryError(message)


class TelegramSender:
    """`bot.delivery.Sender` for Telegram: renders replies and sends them in order, reporting
    the `message_id` of the last message sent; edits a message in place when a reply asks
    (`edit_message_id`); sends an announcement's picture as a photo (`photo`)."""

    channel = CHANNEL
    rate_per_second = RATE_PER_SECOND

    def __init__(self, bot: Bot, rate_per_second: float = RATE_PER_SECOND) -> None:
        self.bot = bot
        self.rate_per_second = rate_per_second

    async def send(self, recipient: str, replies: list[Reply]) -> str | None:
        """Deliver every reply; raise `DeliveryError` at the first message that fails."""
        chat_id = chat_id_of(recipient)
        last: str | None = None
        for reply in replies:
            try:
                if reply.meta.get(EDIT_MESSAGE_ID):
                    last = await self._edit(chat_id, reply)
                elif reply.meta.get(PHOTO):
                    last = await self._photo(chat_id, reply)
                else:
                    for message in render(reply):
                        last = message_id_of(await send_outgoing(self.bot, chat_id, message))
            except TelegramError as error:
                raise delivery_error(error, (self.bot.token,)) from error
        return last

    async def _edit(self, chat_id: int | str, reply: Reply) -> str | None:
        """editMessageText of the message the core names; one it can no longer edit (deleted,
        too old, unchanged) is let go: the edit is moot, and the chat is not blocked."""
        message_id = reply.meta[EDIT_MESSAGE_ID]
        shown = render(reply)
        text = Outgoing(shown[0].text, shown[-1].markup)  # a card is one message
        try:
            await edit_text(self.bot, int(chat_id), int(message_id), text)
        except BadRequest as error:
            log.warning("edit of message %s not applied: %s", message_id, error.message)
        return message_id

    async def _photo(self, chat_id: int | str, reply: Reply) -> str | None:
        """The picture with the text as its caption (with the buttons). A text too long for
        a caption (1,024) goes as one message with the picture's large link preview on top:
        one message per subscriber either way, so rates, counts and the ETA stay exact."""
        photo, line = reply.meta[PHOTO], reply.meta.get(PHOTO_LINE, "")
        caption = reply.text.replace(f"\n\n{line}", "") if line else reply.text
        markup = keyboard(reply)
        if length(caption.strip()) <= MAX_CAPTION:  # Telegram counts the text as shown
            shown = Outgoing(escape(caption.strip()), markup)
            try:
                return message_id_of(await send_photo(self.bot, chat_id, photo, shown))
            except BadRequest as error:
                # Telegram could not fetch or use the picture: that says nothing about the
                # citizen (a 400 would mark them blocked), so the text goes with its link.
                log.warning("photo refused, sending the text: %s", error.message)
        last: str | None = None
        for n, message in enumerate(render(reply)):
            preview = photo if n == 0 else None
            last = message_id_of(await send_outgoing(self.bot, chat_id, message, preview=preview))
        return last


def message_id_of(result: Any) -> str | None:
    """The `message_id` of a sent message (the Bot API's result), as a string."""
    if isinstance(result, dict) and result.get("message_id") is not None:
        return str(result["message_id"])
    return None
