"""The shared send rate booked in blocks of slots, so a fast platform costs no round trip
per message.

The front door books its replies through the same `SlotBook` the outbox dispatcher uses
(bot/shared/booking.py): `SendRate.reserve` books a block of `rate × BLOCK_SECONDS` slots in
the store every worker shares (one statement on PostgreSQL or Redis) and this worker hands
them out itself; slots it leaves unused are wasted, never given to anyone else, so the sends
of all workers together still never exceed the rate. At Telegram's ~25/s a block is one slot:
the same booking, statement for statement, as without blocks. A message of `count` replies
takes one slot `count` sends wide.
"""

from __future__ import annotations

from bot.shared.booking import SlotBook
from bot.shared.protocols import SendRate

BLOCK_SECONDS = 0.02  # a block covers this long at most (rounded down to whole slots)


class BlockedRate:
    """`reserve(key, rate, count, now)`: seconds to wait before sending `count` messages."""

    def __init__(self, store: SendRate, block_seconds: float = BLOCK_SECONDS) -> None:
        self.book = SlotBook(store, block_seconds)

    def reserve(self, key: str, rate: float, count: int, now: float) -> float:
        """Book `count` sends at `rate` per second for `key`; the wait before the first."""
        wide = rate / max(count, 1)  # one slot as wide as `count` sends
        wait = self.book.take(key, wide, now)
        return self.book.book(key, wide, now) if wait is None else wait
