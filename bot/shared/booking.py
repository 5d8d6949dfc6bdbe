"""Send slots booked from the shared `SendRate` in blocks and handed out by this process.

`take` hands out the next slot of the block this process already booked, with no I/O, so the
outbox dispatcher makes no round trip (and no thread hop) per message; when the block is used
up `book` books the next one: one statement on PostgreSQL or Redis. A block is
`rate × block_seconds` slots, at least one: at Telegram's ~25-30/s that is one slot, the same
booking as one `reserve` per message; at 1,000/s it is 50. Slots a process leaves unused (it
paused, stopped or died) are wasted, never handed to anyone else, so the sends of every process
together still never exceed the rate.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from bot.shared.protocols import SendRate

BLOCK_SECONDS = 0.05  # a block covers this long at most (rounded down to whole slots)


@dataclass
class _Block:
    end: float  # the booked block runs until here (seconds since the epoch)
    next: float  # the next slot handed out starts here


class SlotBook:
    """Blocks of send slots per key (a bot token), booked in `store`."""

    def __init__(self, store: SendRate, block_seconds: float = BLOCK_SECONDS) -> None:
        self.store, self.block_seconds = store, block_seconds
        self._blocks: dict[str, _Block] = {}
        self._lock = threading.Lock()

    def size(self, rate: float) -> int:
        """Slots in one block at `rate` per second."""
        return max(1, math.floor(rate * self.block_seconds))

    def take(self, key: str, rate: float, now: float) -> float | None:
        """The wait before the next slot of the block already booked; None when it is used up
        (then `book`). No I/O."""
        with self._lock:
            block = self._blocks.get(key)
            if block is None:
                return None
            start = max(block.next, now)
            if start + 1 / rate > block.end + 1e-9:
                return None
            block.next = start + 1 / rate
            return start - now

    def book(self, key: str, rate: float, now: float) -> float:
        """Book a new block in the store and take its first slot; the wait before it."""
        slots = self.size(rate)
        wait = self.store.reserve(key, rate / slots, now)  # one booking, slots/rate wide
        start = now + wait
        with self._lock:
            self._blocks[key] = _Block(end=start + slots / rate, next=start + 1 / rate)
        return wait

    def forget(self, key: str) -> None:
        """Drop the rest of the block (the platform asked us to wait: its slots are stale)."""
        with self._lock:
            self._blocks.pop(key, None)
