"""The `Channel` protocol: what the server needs from every messaging platform's adapter."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

from starlette.routing import BaseRoute

from bot.delivery import Sender

log = logging.getLogger(__name__)
BackgroundTask = Callable[[], Awaitable[None]]


class Channel(Protocol):
    """One platform: its HTTP routes, lifecycle, health, outbox sender and background jobs."""

    name: str

    def routes(self) -> list[BaseRoute]:
        """Routes to mount (a webhook); empty when the channel has none."""
        ...

    async def start(self) -> None:
        """Connect; a failure is shown by `status()`, it does not stop the server."""
        ...

    async def stop(self) -> None:
        """Disconnect and release what `start` took."""
        ...

    def status(self) -> dict[str, Any]:
        """For /healthz: at least `state` ("running", "off", "error", "stopped")."""
        ...

    def sender(self) -> Sender | None:
        """The outbox's sender for this channel, if it can send."""
        ...

    def jobs(self) -> list[BackgroundTask]:
        """Periodic work to run while the server is up (e.g. long polling)."""
        ...


FileSource = Callable[[str], Awaitable[bytes]]


@runtime_checkable
class FileChannel(Protocol):
    """A channel that can fetch a file a citizen sent (for the staff desk)."""

    name: str

    async def fetch_file(self, ref: str) -> bytes:
        """The file's bytes, by the platform's reference."""
        ...


class Disabled:
    """A channel that is not configured: says why in /healthz and in the log."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def routes(self) -> list[BaseRoute]:
        """None."""
        return []

    async def start(self) -> None:
        """Say that the channel is off."""
        log.warning("%s is off: %s", self.name.capitalize(), self.reason)

    async def stop(self) -> None:
        """Nothing to stop."""

    def status(self) -> dict[str, Any]:
        """Off, and why."""
        return {"enabled": False, "state": "off", "reason": self.reason}

    def sender(self) -> Sender | None:
        """Cannot send."""
        return None

    def jobs(self) -> list[BackgroundTask]:
        """None."""
        return []
