"""Flood control, send rate and staff-alert limit: the same semantics on every backend, and
two processes sharing one limit never exceed it in total."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from bot.shared.backends import SharedFloodGate, SharedState
from bot.shared.protocols import Verdict, Window

ALLOW, WARN, DROP = Verdict.ALLOW, Verdict.WARN, Verdict.DROP
T0 = 1_800_000_000.0  # a fixed epoch second: every "now" below is passed in
Pair = tuple[SharedState, SharedState]
R = TypeVar("R")


def from_both(pair: Pair, calls: int, work: Callable[[SharedState, int], R]) -> list[R]:
    """`calls` calls from each of the two handles, run at the same time in two threads."""
    first, second = pair

    def run(state: SharedState) -> list[R]:
        return [work(state, n) for n in range(calls)]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, (first, second)))
    return list(itertools.chain(*results))


def test_flood_limit_then_one_warning_then_silence(pair: Pair) -> None:
    gate = SharedFloodGate(pair[0].flood, 3, 10.0)
    verdicts = [gate.check("u", now=T0 + t / 10) for t in range(6)]
    assert verdicts == [ALLOW, ALLOW, ALLOW, WARN, DROP, DROP]


def test_flood_window_slides_and_users_are_apart(pair: Pair) -> None:
    gate = SharedFloodGate(pair[0].flood, 2, 10.0)
    assert [gate.check("u", T0 + t) for t in (0.0, 1.0, 2.0)] == [ALLOW, ALLOW, WARN]
    assert gate.check("u", T0 + 10.0) == ALLOW  # the message at 0.0 has left the window
    assert gate.check("u", T0 + 10.5) == WARN  # the one at 1.0 is still in it: warned again
    assert gate.check("u", T0 + 11.5) == ALLOW
    assert gate.check("other", T0 + 11.5) == ALLOW


def test_two_processes_share_one_citizens_flood_limit(pair: Pair) -> None:
    window = Window(8, 10.0)
    verdicts = from_both(pair, 30, lambda state, n: state.flood.check("c1", window, T0 + n / 1e3))
    assert Counter(verdicts) == {ALLOW: 8, WARN: 1, DROP: 51}


def test_two_processes_share_one_send_rate(pair: Pair) -> None:
    rate = 25.0
    waits = from_both(pair, 60, lambda state, _n: state.rate.reserve("bot", rate, T0))
    slots = sorted(T0 + wait for wait in waits)
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert len(slots) == 120
    assert min(gaps) >= 1 / rate - 1e-5  # never two sends closer than one slot, in total
    assert sum(1 for s in slots if s < T0 + 1.0 - 1e-6) == 25  # 25 in the first second, not 50


def test_send_rate_does_not_wait_when_idle(pair: Pair) -> None:
    assert pair[0].rate.reserve("idle", 20.0, T0) == 0.0
    assert abs(pair[1].rate.reserve("idle", 20.0, T0) - 0.05) < 1e-5
    assert pair[0].rate.reserve("idle", 20.0, T0 + 5.0) == 0.0  # the slot passed long ago


def test_two_processes_share_one_staff_alert_limit(pair: Pair) -> None:
    window = Window(3, 60.0)
    start = (T0 // 60) * 60
    answers = from_both(pair, 20, lambda state, n: state.alerts.hit("errors", window, start + n))
    assert sum(1 for a in answers if a is not None) == 3
    assert pair[0].alerts.hit("errors", window, start + 60.0) == 37  # the held-back ones
    assert pair[1].alerts.hit("errors", window, start + 61.0) == 0
