"""Tell the staff that something broke: at most one message a minute, with a count.

The limit is an `AlertLimit` (bot/shared): pass the shared one so N workers together send at
most one a minute, not N."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from bot.delivery import DeliveryError, Sender
from bot.messages import Reply
from bot.shared.memory import MemoryAlerts
from bot.shared.protocols import AlertLimit, Window

log = logging.getLogger(__name__)
INTERVAL = 60.0  # seconds: a broken database must not flood the staff chat
KEY = "staff-alerts"


def short_id(value: object) -> str:
    """An id shown as `…42`: enough to correlate, not enough to identify anyone."""
    text = str(value)
    return "…" + text[-2:] if len(text) > 2 else "…"


class StaffAlerts:
    """Sends "error X on update Y" to a staff recipient through a channel's `Sender`."""

    def __init__(
        self,
        sender: Sender,
        recipient: str,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.time,
        limit: AlertLimit | None = None,
        per_interval: int = 1,
    ) -> None:
        self.sender, self.recipient = sender, recipient
        self.window, self.clock = Window(per_interval, interval), clock
        self.limit: AlertLimit = limit or MemoryAlerts()

    async def error(self, error_name: str, update_id: str, chat: str | None) -> bool:
        """Report one error (or count it when the window's alerts were already sent)."""
        try:
            held = await asyncio.to_thread(self.limit.hit, KEY, self.window, self.clock())
        except Exception:  # the shared store is down: one alert too many beats none
            log.warning("alert limit unavailable; alerting anyway", exc_info=True)
            held = 0
        if held is None:
            return False
        where = short_id(chat) if chat is not None else "-"
        text = (
            f"⚠️ cchc-bot: lỗi {error_name} khi xử lý cập nhật {update_id} "
            f"(chat {where}). Chi tiết trong log máy chủ."
        )
        if held:
            text += f" (+{held} lỗi khác từ lần báo trước)"
        try:
            await self.sender.send(self.recipient, [Reply(text)])
        except DeliveryError as failure:
            log.warning("could not alert the staff: %s", failure)
        return True
