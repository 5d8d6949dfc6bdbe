"""The in-process implementations: one worker (SQLite) and unit tests."""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field

from bot.shared.protocols import Verdict, Window

FORGET_EVERY = 1024  # checks between sweeps of idle citizens' windows


@dataclass
class _Log:
    accepted: deque[float] = field(default_factory=deque)
    warned: bool = False


class MemoryFlood:
    """`FloodStore` in a dict; idle citizens are forgotten now and then."""

    def __init__(self) -> None:
        self._logs: dict[str, _Log] = {}
        self._checks = 0
        self._lock = threading.Lock()

    def check(self, key: str, window: Window, now: float) -> Verdict:
        """See `FloodStore.check`."""
        with self._lock:
            self._checks += 1
            if self._checks % FORGET_EVERY == 0:
                self._forget_idle(window, now)
            log = self._logs.setdefault(key, _Log())
            while log.accepted and log.accepted[0] <= now - window.seconds:
                log.accepted.popleft()
            if len(log.accepted) < window.limit:
                log.accepted.append(now)
                log.warned = False
                return Verdict.ALLOW
            if log.warned:
                return Verdict.DROP
            log.warned = True
            return Verdict.WARN

    def __len__(self) -> int:
        return len(self._logs)

    def _forget_idle(self, window: Window, now: float) -> None:
        idle = [
            key
            for key, log in self._logs.items()
            if not log.accepted or log.accepted[-1] <= now - window.seconds
        ]
        for key in idle:
            del self._logs[key]


class MemoryRate:
    """`SendRate` in a dict of next free slots."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, key: str, rate: float, now: float) -> float:
        """See `SendRate.reserve`."""
        interval = 1.0 / rate if rate > 0 else 0.0
        with self._lock:
            start = max(self._next.get(key, -math.inf), now)
            self._next[key] = start + interval
        return start - now


class MemoryAlerts:
    """`AlertLimit` with fixed windows counted in a dict."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, int]] = {}  # key -> (window number, count)
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, window: Window, now: float) -> int | None:
        """See `AlertLimit.hit`."""
        number = math.floor(now / window.seconds)
        with self._lock:
            seen, count = self._windows.get(key, (number, 0))
            count = count + 1 if seen == number else 1
            self._windows[key] = (number, count)
            if count > window.limit:
                self._held[key] = self._held.get(key, 0) + 1
                return None
            return self._held.pop(key, 0)
