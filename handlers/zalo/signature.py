"""Zalo's webhook signature: `X-ZEvent-Signature: mac=<hex>`, where
mac = sha256(app_id + raw body + timestamp + OA secret key), and a freshness check."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_AGE_SECONDS = 300.0  # older (or this far in the future) deliveries are refused: replays


def mac(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The hex digest Zalo puts after `mac=`."""
    data = app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()
    return hashlib.sha256(data).hexdigest()


def header_value(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The whole header value as Zalo sends it (used by the fake Zalo server too)."""
    return "mac=" + mac(app_id, body, timestamp, oa_secret_key)


class Verifier:
    """Checks a delivery's signature (constant time) and that its timestamp is recent."""

    def __init__(
        self,
        app_id: str,
        oa_secret_key: str,
        max_age: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app_id, self.oa_secret_key = app_id, oa_secret_key
        self.max_age, self.clock = max_age, clock

    def signed(self, header: str | None, body: bytes, timestamp: str) -> bool:
        """Whether `header` is `mac=<the right digest>`."""
        given = (header or "").strip()
        given = given[4:] if given.lower().startswith("mac=") else ""
        expected = mac(self.app_id, body, timestamp, self.oa_secret_key)
        return hmac.compare_digest(given.lower().encode(), expected.encode())

    def fresh(self, timestamp_ms: int) -> bool:
        """Whether the event's time (ms since the epoch) is within `max_age` of now."""
        return abs(self.clock() - timestamp_ms / 1000.0) <= self.max_age
