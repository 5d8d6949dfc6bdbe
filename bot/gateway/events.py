"""What a channel adapter gives the front door, and what the front door asks of it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol

from bot.messages import Inbound, Reply


@dataclass(frozen=True)
class Arrival:
    """A message for the core: the `Inbound`, and the adapter's own note of where to answer."""

    inbound: Inbound
    context: Any = None
    private: bool = True


@dataclass(frozen=True)
class Membership:
    """A citizen blocked (`blocked=True`) or unblocked the bot in a private chat."""

    user_id: str
    blocked: bool


class Delivered(enum.Enum):
    """How answering went: sent, the citizen blocked us, or it failed after retries."""

    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"


Event = Arrival | Membership


class Adapter(Protocol):
    """One platform's payload translation and reply rendering; no database, no core text."""

    name: str

    def translate(self, payload: dict[str, Any]) -> Event | None:
        """The stored raw update as an event, or None when the bot should stay silent."""
        ...

    async def respond(
        self, arrival: Arrival, replies: list[Reply], notice: bool = False
    ) -> Delivered:
        """Render and send `replies` for `arrival`; `notice`: a short note, not an answer
        (a platform may show it as a toast on a button press; empty means stay silent)."""
        ...
