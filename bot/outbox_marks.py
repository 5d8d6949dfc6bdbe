"""Rows sent together are marked `sent` together, without waiting for a batch to fill.

A row whose send returned awaits `done`: if no commit is running one starts at once with it;
rows that finish while that commit runs go together into the next one. So one row alone costs
one commit as before, and at 1,000 msg/s a commit marks every row of the last few
milliseconds. `done` returns only once the row's commit is over: a dispatcher that holds each
row until then has at most its rows in flight sent and not yet recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from bot.outbox_rows import Claimed

Commit = Callable[[Sequence[Claimed], dict[int, str]], Awaitable[object]]


class SentMarks:
    """Coalesces `done(row, message_id)` calls into one commit per round."""

    def __init__(self, commit: Commit) -> None:
        self.commit = commit
        self._waiting: list[tuple[Claimed, str | None, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self.commits = 0  # how many commits it took (the benchmark prints rows per commit)

    async def done(self, row: Claimed, message_id: str | None) -> None:
        """Record that `row` was delivered; returns once that is committed (raises if the
        commit failed: the row keeps its lease and is sent again after it runs out)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, message_id, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush())
        await asyncio.shield(future)  # a cancelled waiter does not cancel the others' commit

    async def drain(self) -> None:
        """Wait for the commit under way (stopping: nothing sent is left unrecorded)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            ids = {row.id: mid for row, mid, _ in batch if mid is not None}
            try:
                await self.commit([row for row, _, _ in batch], ids)
            except Exception as error:
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            finally:
                self.commits += 1
            for _, _, future in batch:
                if not future.done():
                    future.set_result(None)
