"""One Telegram update end to end: dedup, flood control, the core, then the answer."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from telegram import Bot, ForceReply, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackContext

from bot.messages import Reply
from bot.render import say
from bot.runtime import Services
from handlers.telegram.blocked import mark_blocked
from handlers.telegram.convert import CHANNEL, Incoming, to_incoming, to_membership
from handlers.telegram.flood import FloodGate, Verdict
from handlers.telegram.locks import KeyedLocks
from handlers.telegram.progress import Progress
from handlers.telegram.redact import mask
from handlers.telegram.render import Outgoing, redraws_in_place, render, render_all
from handlers.telegram.retry import RetryPolicy, call_with_retry
from handlers.telegram.sender import NO_PREVIEW, send_outgoing

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """What the worker thread did: the core's replies (None for a repeated update), timings."""

    replies: list[Reply] | None
    dedup_seconds: float
    core_seconds: float


def language_of(incoming: Incoming) -> str:
    """The language to use before the core has looked the contact up (flood warnings)."""
    return "en" if (incoming.inbound.language_hint or "").startswith("en") else "vi"


class Dispatcher:
    """PTB's only handler callback: turns updates into core calls and replies into API calls.

    The core is synchronous (one DB transaction per message), so it runs in `executor`; one
    user's updates are handled one at a time, in order, different users concurrently.
    """

    def __init__(
        self, services: Services, executor: Executor, flood: FloodGate, policy: RetryPolicy
    ) -> None:
        self.services = services
        self.executor = executor
        self.flood = flood
        self.policy = policy
        self.locks = KeyedLocks()
        self.progress = Progress()

    async def run_sync(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run blocking code (the core, the database) off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))

    async def on_update(
        self, update: Update, context: CallbackContext[Any, Any, Any, Any]
    ) -> None:
        """Handle one update; whatever happens, count it as finished."""
        arrived = time.monotonic()
        try:
            await self._process(update, context.bot, arrived)
        except Exception:
            self.progress.failed += 1
            raise  # PTB hands it to the error handler (log + staff report)
        finally:
            self.progress.finish()

    async def _process(self, update: Update, bot: Bot, arrived: float) -> None:
        membership = to_membership(update)
        if membership is not None:
            await self.run_sync(
                mark_blocked, self.services.engine, CHANNEL, membership.user_id, membership.blocked
            )
            state = "blocked" if membership.blocked else "unblocked"
            log.info("user %s %s the bot", mask(membership.user_id), state)
            return
        incoming = to_incoming(update, bot.username)
        if incoming is None:
            self.progress.ignored += 1
            return
        async with self.locks.hold(incoming.inbound.user_id):
            verdict = self.flood.check(incoming.inbound.user_id, arrived)
            if verdict is not Verdict.ALLOW:
                self.progress.flooded += 1
                await self._flooded(bot, incoming, verdict)
                return
            outcome = await self.run_sync(self._first_time_then_core, incoming)
            self.progress.dedup_seconds += outcome.dedup_seconds
            if outcome.replies is None:
                self.progress.duplicates += 1
                log.info("update %s was already processed; skipped", incoming.update_id)
                return
            self.progress.core_seconds += outcome.core_seconds
            started = time.perf_counter()
            if incoming.callback_id:
                await self._answer_callback(bot, incoming.callback_id)
            await self._respond(bot, incoming, outcome.replies)
            self.progress.send_seconds += time.perf_counter() - started
            self.progress.handled += 1

    def _first_time_then_core(self, incoming: Incoming) -> Outcome:
        """In a worker thread: the core records the update id and (if new) handles it, in one
        transaction, so a failed update is not marked processed and its redelivery is handled."""
        started = time.perf_counter()
        replies = self.services.assistant.handle_once(incoming.inbound, str(incoming.update_id))
        return Outcome(replies, 0.0, time.perf_counter() - started)

    async def _flooded(self, bot: Bot, incoming: Incoming, verdict: Verdict) -> None:
        text = say(self.services.matcher.kb, "flood", language_of(incoming))
        if incoming.callback_id:
            shown = text if verdict is Verdict.WARN else None
            await self._answer_callback(bot, incoming.callback_id, shown)
        elif verdict is Verdict.WARN:
            await self._deliver(bot, incoming, render_all([Reply(text)]))

    async def _answer_callback(self, bot: Bot, callback_id: str, text: str | None = None) -> None:
        """Stop the button's spinner; a late or repeated answer is harmless, so only log."""
        try:
            await bot.answer_callback_query(callback_id, text=text)
        except TelegramError as error:
            log.info("answerCallbackQuery failed: %s", type(error).__name__)

    async def _respond(self, bot: Bot, incoming: Incoming, replies: list[Reply]) -> None:
        pressed = incoming.inbound.payload
        if (
            pressed is not None
            and incoming.pressed_message_id is not None
            and len(replies) == 1
            and redraws_in_place(pressed, incoming.pressed_payloads)
        ):
            messages = render(replies[0])
            if len(messages) == 1 and await self._edit(bot, incoming, messages[0]):
                return
        await self._deliver(bot, incoming, render_all(replies))

    async def _edit(self, bot: Bot, incoming: Incoming, message: Outgoing) -> bool:
        """Redraw the pressed menu in place; False when Telegram will not let us (then send)."""
        if isinstance(message.markup, ForceReply):
            return False  # only inline keyboards can be edited in place
        call = functools.partial(
            bot.edit_message_text,
            message.text,
            chat_id=incoming.chat_id,
            message_id=incoming.pressed_message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=message.markup,
            link_preview_options=NO_PREVIEW,
        )
        try:
            await call_with_retry(call, "editMessageText", self.policy)
        except BadRequest as error:
            return "not modified" in error.message.lower()
        except Forbidden:
            await self._blocked(incoming)
        except TelegramError as error:
            self._undelivered(incoming, error)
        return True

    async def _deliver(self, bot: Bot, incoming: Incoming, messages: list[Outgoing]) -> None:
        """Send the messages in order; the first one answers the user's message in a group."""
        for n, message in enumerate(messages):
            reply_to = incoming.reply_to if n == 0 else None
            call = functools.partial(send_outgoing, bot, incoming.chat_id, message, reply_to)
            try:
                await call_with_retry(call, "sendMessage", self.policy)
            except Forbidden:
                await self._blocked(incoming)
                return
            except BadRequest as error:
                log.warning(
                    "Telegram refused a message to chat %s (400: %s); skipped it",
                    mask(incoming.chat_id),
                    error.message,
                )
            except TelegramError as error:
                self._undelivered(incoming, error)
                return

    async def _blocked(self, incoming: Incoming) -> None:
        """403: the user blocked the bot (or the bot left the group). Stop writing to them."""
        log.info("chat %s blocked the bot (403); marking the contact", mask(incoming.chat_id))
        if incoming.private:
            await self.run_sync(
                mark_blocked, self.services.engine, CHANNEL, incoming.inbound.user_id
            )

    def _undelivered(self, incoming: Incoming, error: TelegramError) -> None:
        log.error(
            "gave up sending to chat %s on update %s after retries: %s",
            mask(incoming.chat_id),
            incoming.update_id,
            type(error).__name__,
        )
