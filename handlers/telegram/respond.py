"""The Telegram adapter: stored update → event (translation), replies → Bot API calls."""

from __future__ import annotations

import functools
import logging
from typing import Any

from telegram import Bot, ForceReply, Update
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.gateway.events import Arrival, Delivered, Event, Membership
from bot.messages import Reply
from handlers.telegram.api import answer_callback, edit_text, send_outgoing
from handlers.telegram.convert import (
    CHANNEL,
    Incoming,
    plain_private_text,
    to_incoming,
    to_membership,
)
from handlers.telegram.redact import mask
from handlers.telegram.render import Outgoing, redraws_in_place, render, render_all
from handlers.telegram.retry import RetryPolicy, call_with_retry

log = logging.getLogger(__name__)


class TelegramAdapter:
    """What the front door needs from Telegram: `translate` and `respond`."""

    name = CHANNEL

    def __init__(self, bot: Bot, policy: RetryPolicy | None = None) -> None:
        self.bot = bot
        self.policy = policy or RetryPolicy()

    def translate(self, payload: dict[str, Any]) -> Event | None:
        """The stored update as an `Arrival`, a `Membership` change, or None (stay silent)."""
        plain = plain_private_text(payload)
        if plain is not None:  # most messages: no PTB objects built
            return Arrival(plain.inbound, plain, True)
        update = Update.de_json(payload, self.bot)
        membership = to_membership(update)
        if membership is not None:
            return Membership(membership.user_id, membership.blocked)
        incoming = to_incoming(update, self.bot.username)
        if incoming is None:
            return None
        return Arrival(incoming.inbound, incoming, incoming.private)

    async def respond(
        self, arrival: Arrival, replies: list[Reply], notice: bool = False
    ) -> Delivered:
        """Answer a pressed button's spinner, redraw a menu in place or send the replies."""
        incoming: Incoming = arrival.context
        if notice:
            return await self._notice(incoming, replies)
        if incoming.callback_id:
            await self._answer_callback(incoming.callback_id)
        pressed = incoming.inbound.payload
        if (
            pressed is not None
            and incoming.pressed_message_id is not None
            and len(replies) == 1
            and redraws_in_place(pressed, incoming.pressed_payloads)
        ):
            messages = render(replies[0])
            if len(messages) == 1:
                edited = await self._edit(incoming, messages[0])
                if edited is not None:
                    return edited
        return await self._deliver(incoming, render_all(replies))

    async def _notice(self, incoming: Incoming, replies: list[Reply]) -> Delivered:
        text = replies[0].text if replies else None
        if incoming.callback_id:
            await self._answer_callback(incoming.callback_id, text)
            return Delivered.SENT
        return await self._deliver(incoming, render_all(replies)) if replies else Delivered.SENT

    async def _answer_callback(self, callback_id: str, text: str | None = None) -> None:
        """Stop the button's spinner; a late or repeated answer is harmless, so only log."""
        try:
            await answer_callback(self.bot, callback_id, text)
        except TelegramError as error:
            log.info("answerCallbackQuery failed: %s", type(error).__name__)

    async def _edit(self, incoming: Incoming, message: Outgoing) -> Delivered | None:
        """Redraw the pressed menu in place; None when Telegram will not let us (then send)."""
        if isinstance(message.markup, ForceReply):
            return None  # only inline keyboards can be edited in place
        assert incoming.pressed_message_id is not None
        call = functools.partial(
            edit_text, self.bot, incoming.chat_id, incoming.pressed_message_id, message
        )
        try:
            await call_with_retry(call, "editMessageText", self.policy)
        except BadRequest as error:
            return Delivered.SENT if "not modified" in error.message.lower() else None
        except Forbidden:
            return self._blocked(incoming)
        except TelegramError as error:
            return self._undelivered(incoming, error)
        return Delivered.SENT

    async def _deliver(self, incoming: Incoming, messages: list[Outgoing]) -> Delivered:
        """Send the messages in order; the first one answers the user's message in a group."""
        for n, message in enumerate(messages):
            reply_to = incoming.reply_to if n == 0 else None
            call = functools.partial(send_outgoing, self.bot, incoming.chat_id, message, reply_to)
            try:
                await call_with_retry(call, "sendMessage", self.policy)
            except Forbidden:
                return self._blocked(incoming)
            except BadRequest as error:
                log.warning(
                    "Telegram refused a message to chat %s (400: %s); skipped it",
                    mask(incoming.chat_id),
                    error.message,
                )
            except TelegramError as error:
                return self._undelivered(incoming, error)
        return Delivered.SENT

    def _blocked(self, incoming: Incoming) -> Delivered:
        """403: the user blocked the bot (or the bot left the group)."""
        log.info("chat %s blocked the bot (403)", mask(incoming.chat_id))
        return Delivered.BLOCKED

    def _undelivered(self, incoming: Incoming, error: TelegramError) -> Delivered:
        log.error(
            "gave up sending to chat %s on update %s after retries: %s",
            mask(incoming.chat_id),
            incoming.update_id,
            type(error).__name__,
        )
        return Delivered.FAILED
