"""Flood control: the in-process sliding window behind the `FloodGate` interface."""

from __future__ import annotations

import pytest

from bot.gateway.flood import MemoryFloodGate as FloodGate
from bot.gateway.flood import Verdict

ALLOW, WARN, DROP = Verdict.ALLOW, Verdict.WARN, Verdict.DROP


def test_limit_then_one_warning_then_silence() -> None:
    gate = FloodGate(3, 10.0)
    verdicts = [gate.check("u", now=t / 10) for t in range(6)]
    assert verdicts == [ALLOW, ALLOW, ALLOW, WARN, DROP, DROP]


def test_the_window_slides() -> None:
    gate = FloodGate(2, 10.0)
    assert [gate.check("u", now) for now in (0.0, 1.0, 2.0)] == [ALLOW, ALLOW, WARN]
    assert gate.check("u", 10.0) == ALLOW  # the message at 0.0 has left the window
    assert gate.check("u", 10.5) == WARN  # the one at 1.0 is still in it: warned again
    assert gate.check("u", 11.5) == ALLOW


def test_users_are_counted_apart() -> None:
    gate = FloodGate(1, 10.0)
    assert (gate.check("a", 0.0), gate.check("b", 0.0), gate.check("a", 0.1)) == (
        ALLOW,
        ALLOW,
        WARN,
    )


def test_idle_users_are_forgotten() -> None:
    gate = FloodGate(5, 1.0)
    for n in range(1100):
        gate.check(f"user-{n}", now=float(n))
    assert len(gate) < 1100


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="flood"):
        FloodGate(0, 10.0)
