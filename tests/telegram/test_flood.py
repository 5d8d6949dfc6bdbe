"""Flood control and per-user ordering."""

from __future__ import annotations

import asyncio

import pytest

from handlers.telegram.flood import FloodGate, Verdict
from handlers.telegram.locks import KeyedLocks

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


async def test_one_users_updates_run_in_order_and_others_in_parallel() -> None:
    locks = KeyedLocks()
    log: list[str] = []

    async def work(user: str, n: int, pause: float) -> None:
        async with locks.hold(user):
            log.append(f"{user}{n} start")
            await asyncio.sleep(pause)
            log.append(f"{user}{n} end")

    await asyncio.gather(work("a", 1, 0.05), work("a", 2, 0.0), work("b", 1, 0.0))
    assert log.index("a1 end") < log.index("a2 start")
    assert log.index("b1 end") < log.index("a1 end")  # b did not wait for a
    assert len(locks) == 0
