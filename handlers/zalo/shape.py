"""Zalo webhook events as stored: parse the body, find the event's id and its citizen."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

CHANNEL = "zalo"
MAX_ID = 64  # the inbox's platform_id and citizen columns
TEXT = "user_send_text"
FOLLOW, UNFOLLOW = "follow", "unfollow"
MEDIA = {
    "user_send_image": "photo",
    "user_send_gif": "photo",
    "user_send_sticker": "sticker",
    "user_send_location": "location",
    "user_send_file": "document",
    "user_send_audio": "voice",
    "user_send_video": "video",
    "user_send_link": "link",
}
KNOWN = frozenset({TEXT, FOLLOW, UNFOLLOW, *MEDIA})


class MalformedEventError(ValueError):
    """The body is not a Zalo event we can store (answered with 400)."""


@dataclass(frozen=True)
class Key:
    """How an event is stored: its id (for dedup), its citizen, and its signed timestamp."""

    event: str
    platform_id: str
    citizen: str | None  # None: not from a citizen (the OA's own messages): nothing to do
    timestamp: str  # exactly as in the body: it is part of the signature
    timestamp_ms: int


def decode(body: bytes) -> dict[str, Any]:
    """The JSON object in `body`."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedEventError("not JSON") from error
    if not isinstance(data, dict):
        raise MalformedEventError("not an object")
    return data


def _text(value: object, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise MalformedEventError(f"no {name}")
    return str(value)


def _user(data: dict[str, Any], field: str) -> str:
    holder = data.get(field)
    user = _text(holder.get("id") if isinstance(holder, dict) else None, f"{field}.id")
    if len(user) > MAX_ID or not user.isascii():
        raise MalformedEventError(f"{field}.id too long")
    return user


def key_of(data: dict[str, Any]) -> Key:
    """The event's name, id, citizen and timestamp; raises `MalformedEventError`."""
    event = data.get("event_name")
    if not isinstance(event, str) or not event or len(event) > 64:
        raise MalformedEventError("no event_name")
    stamp = _text(data.get("timestamp"), "timestamp")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 15:
        raise MalformedEventError("timestamp not in milliseconds")
    citizen: str | None = None
    if event in (FOLLOW, UNFOLLOW):
        citizen = _user(data, "follower")
    elif event.startswith("user_"):
        citizen = _user(data, "sender")
    message = data.get("message")
    msg_id = message.get("msg_id") if isinstance(message, dict) else None
    if isinstance(msg_id, str) and msg_id and len(msg_id) <= MAX_ID:
        platform_id = msg_id
    else:
        raw = f"{event}:{citizen or '-'}:{stamp}"
        platform_id = (
            raw if len(raw) <= MAX_ID else "ev:" + hashlib.sha256(raw.encode()).hexdigest()
        )
    return Key(event, platform_id, citizen, stamp, int(stamp))
