"""Strict parsing of button payloads (callback data), which a client can forge at will.

`str.isdigit` accepts "²" and "٣", which `int` then refuses or reads as another digit, and
a 23-digit number overflows every integer column on PostgreSQL. Everything a button handler
reads from its payload goes through here: ASCII digits only, bounded, a known shape, or None.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL
MAX_PAYLOAD = 64  # Telegram's callback_data limit in bytes; other channels get no more
_KIND = re.compile(r"[a-z]{1,12}")
_PRINTABLE = re.compile(r"[\x21-\x7e]*")


def number(text: str, low: int = 1, high: int = MAX_ID) -> int | None:
    """`text` as an integer in [low, high] when it is only ASCII digits, else None."""
    if not 0 < len(text) <= len(str(high)) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def record_id(text: str) -> int | None:
    """A database id (1 … 2³¹−1) from a payload field, else None."""
    return number(text, 1, MAX_ID)


def fields(arg: str, count: int) -> list[str] | None:
    """`arg` split at ':' into exactly `count` fields, else None."""
    parts = arg.split(":")
    return parts if len(parts) == count else None


def split_payload(payload: str) -> tuple[str, str] | None:
    """(kind, argument) of a well-formed payload: printable ASCII, short, a lower-case kind."""
    if len(payload) > MAX_PAYLOAD or not _PRINTABLE.fullmatch(payload):
        return None
    kind, _, arg = payload.partition(":")
    return (kind, arg) if _KIND.fullmatch(kind) else None
