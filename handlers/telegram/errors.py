"""The last line of defence: log an unhandled error safely, apologise, tell the staff chat."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.render import say
from bot.shared.memory import MemoryAlerts
from bot.shared.protocols import AlertLimit, Window
from handlers.telegram.redact import mask, redact
from knowledge.schema import KnowledgeBase

log = logging.getLogger(__name__)
STAFF_REPORT_INTERVAL = 60.0  # seconds: a broken database must not flood the staff chat
STAFF_REPORTS = Window(1, STAFF_REPORT_INTERVAL)  # across every worker when `alerts` is shared
ALERT_KEY = "staff-alerts"


def describe(update: object) -> tuple[int | None, int | None, str]:
    """(update id, chat id, language) of the update an error belongs to, when there is one."""
    if not isinstance(update, Update):
        return None, None, "vi"
    chat = update.effective_chat
    user = update.effective_user
    language = "en" if user is not None and (user.language_code or "").startswith("en") else "vi"
    return update.update_id, chat.id if chat is not None else None, language


class ErrorReporter:
    """PTB error handler. Never logs message text, phone numbers or tokens: ids are masked.

    Reports to the staff chat are limited by `alerts` (pass the shared one so N workers
    together send at most `window.limit` per window, not N times as many).
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        staff_chat_id: int | None,
        secrets: tuple[str, ...],
        clock: Callable[[], float] = time.time,
        alerts: AlertLimit | None = None,
        window: Window = STAFF_REPORTS,
    ) -> None:
        self.kb = kb
        self.staff_chat_id = staff_chat_id
        self.secrets = secrets
        self.clock = clock
        self.alerts: AlertLimit = alerts or MemoryAlerts()
        self.window = window

    async def __call__(self, update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        error = context.error
        if error is None:
            return
        update_id, chat_id, language = describe(update)
        detail = redact("".join(traceback.format_exception(error)), self.secrets)
        log.error(
            "unhandled %s on update %s (chat %s):\n%s",
            type(error).__name__,
            update_id,
            mask(chat_id) if chat_id is not None else "-",
            detail,
        )
        if chat_id is not None:
            await self._apologise(context.bot, chat_id, language)
        await self._report(context.bot, type(error).__name__, update_id, chat_id)

    async def _apologise(self, bot: Bot, chat_id: int, language: str) -> None:
        try:
            await bot.send_message(chat_id, say(self.kb, "error", language))
        except TelegramError as error:
            log.warning("could not apologise to chat %s: %s", mask(chat_id), type(error).__name__)

    async def _report(
        self, bot: Bot, error_name: str, update_id: int | None, chat_id: int | None
    ) -> None:
        if self.staff_chat_id is None:
            return
        try:
            held = await asyncio.to_thread(self.alerts.hit, ALERT_KEY, self.window, self.clock())
        except Exception:  # the shared store is down: better one alert too many than none
            log.warning("alert limit unavailable; reporting anyway", exc_info=True)
            held = 0
        if held is None:
            return
        text = (
            f"⚠️ cchc-bot: lỗi {error_name} khi xử lý cập nhật {update_id or '-'} "
            f"(chat {mask(chat_id) if chat_id is not None else '-'}). Chi tiết trong log máy chủ."
        )
        if held:
            text += f" (+{held} lỗi khác từ lần báo trước)"
        try:
            await bot.send_message(self.staff_chat_id, text)
        except TelegramError as error:
            log.warning("could not report to the staff chat: %s", type(error).__name__)
