"""Bounded retries for Bot API calls: wait on 429, back off on timeouts and 5xx."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: `attempts` in all; 429 waits as told (up to `max_wait`), else backoff."""

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_wait: float = 30.0


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB 22 is moving this to a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def is_retryable(error: Exception) -> bool:
    """Timeouts and network or server errors may succeed later; a 400 will not."""
    return isinstance(error, TimedOut | RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    )


async def call_with_retry(
    call: Callable[[], Awaitable[T]],
    what: str,
    policy: RetryPolicy = RetryPolicy(),  # frozen, so a shared default is safe
    sleep: Sleep = asyncio.sleep,
) -> T:
    """Run `call`; retry the retryable errors a bounded number of times, then re-raise.

    Forbidden, BadRequest and anything else go straight to the caller.
    """
    delay = policy.backoff
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            if attempt == policy.attempts or wait > policy.max_wait:
                raise
            log.warning(
                "%s: Telegram asked us to wait %.0f s (429), attempt %d", what, wait, attempt
            )
            await sleep(wait)
        except NetworkError as error:
            if not is_retryable(error) or attempt == policy.attempts:
                raise
            log.warning("%s: %s, retrying in %.1f s", what, type(error).__name__, delay)
            await sleep(delay)
            delay = min(delay * 2, policy.max_backoff)
    raise AssertionError("unreachable")
