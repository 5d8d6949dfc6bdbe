"""The session cookie: `<session>.<generation>.<issued>.<signature>`, HMAC-SHA256 signed.

The signature proves the server issued it; the generation lets the server refuse an old
cookie after rotation (`bot.webchat.sessions`); `issued` bounds its age.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

NAME = "cchc_chat"
MAX_AGE = 30 * 24 * 3600  # seconds a cookie lives in the browser and is honoured
_SHAPE = re.compile(r"^(w[A-Za-z0-9_-]{10,31})\.(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class Claim:
    """What a correctly signed, unexpired cookie says."""

    session: str
    generation: int


def _mac(secret: bytes, message: str) -> str:
    digest = hmac.new(secret, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(secret: bytes, session: str, generation: int, now: float) -> str:
    """The cookie value for `session` at `generation`."""
    body = f"{session}.{generation}.{int(now)}"
    return f"{body}.{_mac(secret, body)}"


def read(secret: bytes, value: str | None, now: float) -> Claim | None:
    """The claim of a cookie we signed that has not expired; None for anything else."""
    found = _SHAPE.match(value or "")
    if found is None:
        return None
    session, generation, issued, signature = found.groups()
    expected = _mac(secret, f"{session}.{generation}.{issued}")
    if not hmac.compare_digest(signature, expected):
        return None
    if not (now - MAX_AGE <= int(issued) <= now + 60):
        return None
    return Claim(session, int(generation))
