"""Sending rendered messages: one helper for the live bot, and the outbox's `Sender`."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.delivery import DeliveryError
from bot.messages import Reply
from handlers.telegram.api import send_outgoing
from handlers.telegram.convert import CHANNEL
from handlers.telegram.redact import redact
from handlers.telegram.render import render_all
from handlers.telegram.retry import retry_after_seconds

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
    """`bot.delivery.Sender` for Telegram: renders replies and sends them in order."""

    channel = CHANNEL
    rate_per_second = RATE_PER_SECOND

    def __init__(self, bot: Bot, rate_per_second: float = RATE_PER_SECOND) -> None:
        self.bot = bot
        self.rate_per_second = rate_per_second

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        """Deliver every reply; raise `DeliveryError` at the first message that fails."""
        chat_id = chat_id_of(recipient)
        for message in render_all(replies):
            try:
                await send_outgoing(self.bot, chat_id, message)
            except TelegramError as error:
                raise delivery_error(error, (self.bot.token,)) from error
