"""Tell the staff that something broke: at most one message a minute, with a count."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from bot.delivery import DeliveryError, Sender
from bot.messages import Reply
from bot.shared.protocols import AlertLimit, Window

log = logging.getLogger(__name__)
INTERVAL = 60.0  # seconds: a broken database must not flood the staff chat
LIMIT_KEY = "staff-alerts"


def short_id(value: object) -> str:
    """An id shown as `…42`: enough to correlate, not enough to identify anyone."""
    text = str(value)
    return "…" + text[-2:] if len(text) > 2 else "…"


class StaffAlerts:
    """Sends "error X on update Y" to a staff recipient through a channel's `Sender`.

    At most one a minute: counted in this process, or by a shared `AlertLimit` (PostgreSQL,
    Redis) so that N workers do not send N alerts a minute.
    """

    def __init__(
        self,
        sender: Sender,
        recipient: str,
        limit: AlertLimit | None = None,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sender, self.recipient, self.limit = sender, recipient, limit
        self.interval, self.clock = interval, clock
        self._last: float | None = None
        self._suppressed = 0

    async def _allowed(self) -> int | None:
        """None when an alert went out less than `interval` ago; else how many were held."""
        now = self.clock()
        if self.limit is not None:
            window = Window(1, self.interval)
            return await asyncio.to_thread(self.limit.hit, LIMIT_KEY, window, now)
        if self._last is not None and now - self._last < self.interval:
            self._suppressed += 1
            return None
        held, self._last, self._suppressed = self._suppressed, now, 0
        return held

    async def error(self, error_name: str, update_id: str, chat: str | None) -> bool:
        """Report one error (or count it when one was reported less than a minute ago)."""
        try:
            held = await self._allowed()
        except Exception:
            log.exception("the shared alert limit is unreachable; alert skipped")
            return False
        if held is None:
            return False
        where = short_id(chat) if chat is not None else "-"
        text = (
            f"⚠️ cchc-bot: lỗi {error_name} khi xử lý cập nhật {update_id} "
            f"(chat {where}). Chi tiết trong log máy chủ."
        )
        if held:
            text += f" (+{held} lỗi khác trong phút trước)"
        try:
            await self.sender.send(self.recipient, [Reply(text)])
        except DeliveryError as failure:
            log.warning("could not alert the staff: %s", failure)
        return True
