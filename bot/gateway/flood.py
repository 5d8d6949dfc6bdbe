"""Flood control: the `FloodGate` interface and today's in-process sliding window behind it.

Shared implementations for several workers (`bot.shared.backends.SharedFloodGate` over
PostgreSQL or Redis) plug in through the protocol; `Verdict` is the one in `bot.shared`."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.shared.protocols import Verdict

__all__ = ["FloodGate", "MemoryFloodGate", "Verdict"]


class FloodGate(Protocol):
    """Decides, per citizen key, whether a message that arrived at `now` (seconds) is handled."""

    def check(self, key: str, now: float) -> Verdict:
        """Record a message from `key` and say what to do with it."""
        ...


@dataclass
class _Window:
    accepted: deque[float] = field(default_factory=deque)
    warned: bool = False


class MemoryFloodGate:
    """At most `limit` messages per `seconds` per user; the first one over gets a warning.

    Rejected messages do not count, so a user who waits is served again as soon as the oldest
    accepted message leaves the window.
    """

    def __init__(
        self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or seconds <= 0:
            raise ValueError("flood control needs limit >= 1 and seconds > 0")
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._windows: dict[str, _Window] = {}
        self._checks = 0

    def check(self, key: str, now: float | None = None) -> Verdict:
        """Record a message from `key` (arrived at `now`) and say what to do with it."""
        now = self.clock() if now is None else now
        self._checks += 1
        if self._checks % 1024 == 0:
            self._forget_idle(now)
        window = self._windows.setdefault(key, _Window())
        while window.accepted and window.accepted[0] <= now - self.seconds:
            window.accepted.popleft()
        if len(window.accepted) < self.limit:
            window.accepted.append(now)
            window.warned = False
            return Verdict.ALLOW
        if window.warned:
            return Verdict.DROP
        window.warned = True
        return Verdict.WARN

    def __len__(self) -> int:
        return len(self._windows)

    def _forget_idle(self, now: float) -> None:
        idle = [
            key
            for key, window in self._windows.items()
            if not window.accepted or window.accepted[-1] <= now - self.seconds
        ]
        for key in idle:
            del self._windows[key]
