"""Flood control: the `FloodGate` interface and today's in-process sliding window behind it.

Shared implementations for several workers (`bot.shared.backends.SharedFloodGate` over
PostgreSQL or Redis) plug in through the protocol; `Verdict` is the one in `bot.shared`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from sqlalchemy import Connection

from bot.shared.memory import MemoryFlood
from bot.shared.protocols import Verdict, Window

__all__ = ["FloodGate", "MemoryFloodGate", "TransactionalFloodGate", "Verdict"]


class FloodGate(Protocol):
    """Decides, per citizen key, whether a message that arrived at `now` (seconds) is handled."""

    def check(self, key: str, now: float) -> Verdict:
        """Record a message from `key` and say what to do with it."""
        ...


@runtime_checkable
class TransactionalFloodGate(Protocol):
    """A flood gate that can record the message in the message's own database transaction."""

    @property
    def in_database(self) -> bool:
        """Whether `check_on` may be used (else `check`, outside the transaction)."""
        ...

    def check(self, key: str, now: float) -> Verdict:
        """Record a message from `key` and say what to do with it."""
        ...

    def check_on(self, connection: Connection, key: str, now: float) -> Verdict:
        """Like `check`, on `connection` inside its transaction."""
        ...


class MemoryFloodGate:
    """At most `limit` messages per `seconds` per user; the first one over gets a warning.

    One process only (SQLite, tests): the shared `MemoryFlood` store behind a fixed window, so
    the rule is written once (bot/shared/memory.py) for this gate and for `SharedFloodGate`.
    """

    def __init__(
        self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or seconds <= 0:
            raise ValueError("flood control needs limit >= 1 and seconds > 0")
        self.window, self.clock = Window(limit, seconds), clock
        self._store = MemoryFlood()

    def check(self, key: str, now: float | None = None) -> Verdict:
        """Record a message from `key` (arrived at `now`) and say what to do with it."""
        return self._store.check(key, self.window, self.clock() if now is None else now)

    def __len__(self) -> int:
        return len(self._store)
