"""Tell the staff that something broke: at most one message a minute, with a count."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.delivery import DeliveryError, Sender
from bot.messages import Reply

log = logging.getLogger(__name__)
INTERVAL = 60.0  # seconds: a broken database must not flood the staff chat


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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sender, self.recipient = sender, recipient
        self.interval, self.clock = interval, clock
        self._last: float | None = None
        self._suppressed = 0

    async def error(self, error_name: str, update_id: str, chat: str | None) -> bool:
        """Report one error (or count it when one was reported less than a minute ago)."""
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            self._suppressed += 1
            return False
        where = short_id(chat) if chat is not None else "-"
        text = (
            f"⚠️ cchc-bot: lỗi {error_name} khi xử lý cập nhật {update_id} "
            f"(chat {where}). Chi tiết trong log máy chủ."
        )
        if self._suppressed:
            text += f" (+{self._suppressed} lỗi khác trong phút trước)"
        self._last, self._suppressed = now, 0
        try:
            await self.sender.send(self.recipient, [Reply(text)])
        except DeliveryError as failure:
            log.warning("could not alert the staff: %s", failure)
        return True
