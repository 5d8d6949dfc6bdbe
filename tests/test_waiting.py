"""Polling loops stop when cancelled, even if their event is set at the same moment."""

from __future__ import annotations

import asyncio

import pytest

from bot.waiting import wait_or_timeout


async def test_true_when_set_false_on_timeout() -> None:
    event = asyncio.Event()
    assert await wait_or_timeout(event, 0.01) is False
    event.set()
    assert await wait_or_timeout(event, 1.0) is True


async def test_a_cancel_arriving_with_the_event_is_not_lost() -> None:
    event = asyncio.Event()

    async def loop_until_cancelled() -> None:
        while True:  # the shape of every worker loop: wait, then work again
            event.clear()
            await wait_or_timeout(event, 5.0)

    task = asyncio.create_task(loop_until_cancelled())
    await asyncio.sleep(0)  # the loop now waits on the event
    event.set()  # the event fires ...
    task.cancel()  # ... and shutdown cancels in the same turn of the loop
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(2):
            await task
