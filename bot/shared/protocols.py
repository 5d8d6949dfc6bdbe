"""What every worker must agree on, as small protocols with one meaning each.

Times are seconds since the epoch (`time.time`), passed in by the caller, because the state is
shared by processes on possibly several machines: a per-process monotonic clock means nothing
to another process. Workers are expected to keep their clocks in sync (NTP); the windows here
are seconds long, so milliseconds of skew do not matter.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class Verdict(enum.Enum):
    """What to do with a message: handle it, warn once, or drop it silently."""

    ALLOW = "allow"
    WARN = "warn"
    DROP = "drop"


@dataclass(frozen=True)
class Window:
    """At most `limit` events per `seconds`."""

    limit: int
    seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.seconds <= 0:
            raise ValueError("a window needs limit >= 1 and seconds > 0")


class FloodStore(Protocol):
    """Per-citizen flood control: a sliding window of accepted messages, one warning.

    Rejected messages do not count, so a citizen who waits is served again as soon as the
    oldest accepted message leaves the window; the first message over the limit is WARN, the
    rest DROP until one is accepted again.
    """

    def check(self, key: str, window: Window, now: float) -> Verdict:
        """Record a message from `key` at `now` and say what to do with it."""
        ...


class SendRate(Protocol):
    """One send slot at a time per key (a bot token), shared by every sender in every process.

    `reserve` books the next free slot and says how long to wait for it; slots of one key are
    at least 1/rate seconds apart in total, however many processes book them.
    """

    def reserve(self, key: str, rate: float, now: float) -> float:
        """Book the next slot for `key` at `rate` per second; seconds to wait before sending."""
        ...


class AlertLimit(Protocol):
    """At most `window.limit` staff alerts per `window.seconds` across all processes."""

    def hit(self, key: str, window: Window, now: float) -> int | None:
        """None when over the limit; else how many alerts were held back since the last one."""
        ...
