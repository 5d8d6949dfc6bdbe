"""Group the statements many messages need at the same moment into one (group commit).

Under load many webhooks want their update committed, and many workers their row marked
done, at the same moment. A `Coalescer` runs one `flush` (in a thread) for everything that
was submitted while the previous flush ran; each caller waits for the flush that carried its
item, and sees its own result or the flush's error. Nothing waits for a batch to fill: an
item alone is flushed at once, so an idle system pays no latency for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
LIMIT = 128  # items per flush at most


class Coalescer(Generic[T, R]):
    """`await submit(item)`: the result of `flush([..., item, ...])` for this item (raised
    when it is an exception: a flush may fail some items and not others)."""

    def __init__(
        self, flush: Callable[[list[T]], Sequence[R | BaseException]], limit: int = LIMIT
    ) -> None:
        self.flush, self.limit = flush, limit
        self.flushes = 0  # how many flushes ran (for the counters)
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Queue `item`, start a flush if none is running, wait for the item's result."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[: self.limit], self._pending[self.limit :]
                try:
                    results = await asyncio.to_thread(self.flush, [item for item, _ in batch])
                except asyncio.CancelledError:
                    for _, future in batch:
                        future.cancel()
                    raise
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                finally:
                    self.flushes += 1
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():  # its caller may have been cancelled meanwhile
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        except asyncio.CancelledError:
            for _, future in self._pending:
                future.cancel()
            self._pending = []
            raise
        finally:
            self._drainer = None
