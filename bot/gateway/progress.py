"""Counters of what the front door did, for /healthz, the benchmark and the tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Progress:
    """How many updates arrived and how each ended; `finished` counts every one of them.

    The seconds are summed over updates so a reader can tell where the time goes.
    """

    handled: int = 0
    ignored: int = 0
    duplicates: int = 0
    flooded: int = 0
    taken_over: int = 0
    undelivered: int = 0
    failed: int = 0
    finished: int = 0
    core_seconds: float = 0.0
    send_seconds: float = 0.0
    _waiters: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list, repr=False)

    def finish(self) -> None:
        """One more update is completely done (answered, skipped or failed)."""
        self.finished += 1
        still_waiting = []
        for count, future in self._waiters:
            if future.done():
                continue
            if self.finished >= count:
                future.set_result(None)
            else:
                still_waiting.append((count, future))
        self._waiters = still_waiting

    async def wait_finished(self, count: int, timeout: float = 10.0) -> None:
        """Wait until at least `count` updates have finished."""
        if self.finished >= count:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((count, future))
        await asyncio.wait_for(future, timeout)

    def as_dict(self) -> dict[str, Any]:
        """The counters, and mean milliseconds per handled update for each stage."""
        per = max(self.handled, 1)
        return {
            "handled": self.handled,
            "ignored": self.ignored,
            "duplicates": self.duplicates,
            "flooded": self.flooded,
            "taken_over": self.taken_over,
            "undelivered": self.undelivered,
            "failed": self.failed,
            "finished": self.finished,
            "mean_ms": {
                "core": round(self.core_seconds / per * 1000, 3),
                "send": round(self.send_seconds / per * 1000, 3),
            },
        }
