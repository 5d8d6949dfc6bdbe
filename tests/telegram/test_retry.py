"""Bounded retries, with PTB's real exception types and a recorded (not real) sleep."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.telegram.retry import RetryPolicy, call_with_retry, retry_after_seconds


class Flaky:
    """Fails with the given errors, in order, then answers "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def test_429_waits_as_told() -> None:
    call, sleeps = Flaky(RetryAfter(3), RetryAfter(dt.timedelta(seconds=1))), Sleeps()
    assert await call_with_retry(call, "x", RetryPolicy(), sleeps) == "ok"
    assert sleeps == [3.0, 1.0]


async def test_timeouts_and_5xx_back_off_exponentially() -> None:
    call = Flaky(TimedOut(), NetworkError("Bad Gateway"), NetworkError("Internal Server Error"))
    sleeps = Sleeps()
    assert await call_with_retry(call, "x", RetryPolicy(backoff=0.5), sleeps) == "ok"
    assert sleeps == [0.5, 1.0, 2.0]


async def test_retries_are_bounded() -> None:
    call, sleeps = Flaky(*[TimedOut()] * 10), Sleeps()
    with pytest.raises(TimedOut):
        await call_with_retry(call, "x", RetryPolicy(attempts=3), sleeps)
    assert call.calls == 3


async def test_a_very_long_wait_is_not_awaited() -> None:
    call, sleeps = Flaky(RetryAfter(3600)), Sleeps()
    with pytest.raises(RetryAfter):
        await call_with_retry(call, "x", RetryPolicy(max_wait=30), sleeps)
    assert sleeps == []


@pytest.mark.parametrize("error", [Forbidden("blocked"), BadRequest("chat not found")])
async def test_final_errors_are_not_retried(error: Exception) -> None:
    call, sleeps = Flaky(error), Sleeps()
    with pytest.raises(type(error)):
        await call_with_retry(call, "x", RetryPolicy(), sleeps)
    assert call.calls == 1


def test_retry_after_in_seconds() -> None:
    assert retry_after_seconds(RetryAfter(5)) == 5.0
    assert retry_after_seconds(RetryAfter(dt.timedelta(milliseconds=1500))) == 1.5
