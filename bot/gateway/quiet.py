"""A warning that repeats at most once per interval, with the count of what it stood for."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class QuietWarning:
    """`hit()` on every event; a log line at most every `interval` seconds, with a count.

    Used for unauthenticated webhook requests: 7,800 probes give a handful of lines, not 7,800.
    """

    def __init__(
        self,
        log: logging.Logger,
        message: str,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log, self.message, self.interval, self.clock = log, message, interval, clock
        self._last: float | None = None
        self._count = 0

    def hit(self) -> bool:
        """Count one event; True when this call wrote the log line."""
        self._count += 1
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            return False
        self.log.warning("%s (%d in the last %.0f s)", self.message, self._count, self.interval)
        self._last, self._count = now, 0
        return True
