"""The one clock of the whole core: every "now" the bot reads comes from here.

The composition root (or a test) installs another source with `use`; nothing in the core calls
`datetime.now` itself, so a test that fixes a date fixes it for the outbox, tickets, dialogue
expiry and the dispatcher alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

Clock = Callable[[], dt.datetime]
C = TypeVar("C", bound=Clock)


def system_now() -> dt.datetime:
    """The real time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


_source: list[Clock] = [system_now]


def now() -> dt.datetime:
    """Now, timezone-aware in UTC, from the installed clock."""
    return _source[-1]()


@contextmanager
def use(clock: C) -> Iterator[C]:
    """Read every "now" from `clock` inside the block (nests; restores on exit)."""
    _source.append(clock)
    try:
        yield clock
    finally:
        _source.remove(clock)


class FrozenClock:
    """A clock that stands still until moved: for tests and replays."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock needs a timezone-aware datetime")
        self.at = at.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward (or back, with a negative delta)."""
        self.at += delta
