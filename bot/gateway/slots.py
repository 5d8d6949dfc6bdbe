"""The shared send rate booked in blocks of slots, so a fast platform costs no round trip
per message.

`SendRate.reserve` books one slot 1/rate seconds wide in the store every worker shares (one
statement on PostgreSQL or Redis). When the rate is high (a local fake, a platform with a
generous limit) a worker books `rate × BLOCK_SECONDS` slots at once and hands them out
itself; slots it leaves unused are wasted, never given to anyone else, so the sends of all
workers together still never exceed the rate. At Telegram's ~25/s a block is one slot: the
same booking, statement for statement, as without blocks.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from bot.shared.protocols import SendRate

BLOCK_SECONDS = 0.02  # a block covers this long at most (rounded down to whole slots)


@dataclass
class _Block:
    end: float  # the booked block runs until here (seconds since the epoch)
    next: float  # the next slot handed out starts here


class BlockedRate:
    """`reserve(key, rate, count, now)`: seconds to wait before sending `count` messages."""

    def __init__(self, store: SendRate, block_seconds: float = BLOCK_SECONDS) -> None:
        self.store, self.block_seconds = store, block_seconds
        self._blocks: dict[str, _Block] = {}
        self._lock = threading.Lock()

    def reserve(self, key: str, rate: float, count: int, now: float) -> float:
        """Book `count` sends at `rate` per second for `key`; the wait before the first."""
        need = count / rate
        with self._lock:
            block = self._blocks.get(key)
            if block is not None:
                start = max(block.next, now)
                if start + need <= block.end + 1e-9:
                    block.next = start + need
                    return start - now
            slots = max(count, math.floor(rate * self.block_seconds))
            wait = self.store.reserve(key, rate / slots, now)
            start = now + wait
            self._blocks[key] = _Block(end=start + slots / rate, next=start + need)
            return wait
