"""Wait for an event or a timeout without ever swallowing a cancellation.

Python 3.11's `asyncio.wait_for` can lose a `cancel()` that arrives just as the awaited event is
set (fixed in 3.12, gh-86296): a worker loop cancelled at shutdown then runs on for ever and
whoever awaits it hangs. `asyncio.timeout` has no such race, so every polling loop waits here.
"""

from __future__ import annotations

import asyncio
import contextlib


async def wait_or_timeout(event: asyncio.Event, seconds: float) -> bool:
    """True when `event` was set within `seconds`, False on timeout; a cancel propagates."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
            return True
    return False
