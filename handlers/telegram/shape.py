"""Cheap checks of a raw Telegram update at the door: its id, whose it is, sane types.

Run on every webhook request before the update is stored, so it works on the decoded JSON
(dicts and lists), not on PTB objects. A malformed update is refused with a 400; a valid one
that the bot does not handle (a channel post, say) is acknowledged and not stored.
"""

from __future__ import annotations

import json
import re
from typing import Any

KINDS = ("message", "edited_message", "callback_query", "my_chat_member")
TEXT_FIELDS = ("text", "caption", "data")
_SUSPECT = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]")  # NUL or a surrogate escape
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")


class MalformedUpdateError(ValueError):
    """The body is not a Telegram update we can store."""


def decode(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, with NUL and lone surrogates removed from every string."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise MalformedUpdateError(type(error).__name__) from error
    if not isinstance(data, dict):
        raise MalformedUpdateError("not a JSON object")
    found: dict[str, Any] = _clean(data) if _SUSPECT.search(body) else data
    return found


def key_of(data: dict[str, Any]) -> tuple[str, str | None]:
    """(update id, citizen key), the key None when the update is nothing the bot handles."""
    update_id = data.get("update_id")
    if type(update_id) is not int or update_id < 0:
        raise MalformedUpdateError("update_id")
    for kind in KINDS:
        if kind not in data:
            continue
        body = data[kind]
        if not isinstance(body, dict):
            raise MalformedUpdateError(kind)
        _check_body(kind, body)
        sender = body.get("from")
        return str(update_id), str(sender["id"]) if sender is not None else None
    return str(update_id), None


def _check_body(kind: str, body: dict[str, Any]) -> None:
    sender = body.get("from")
    if sender is not None and not _has_int_id(sender):
        raise MalformedUpdateError(f"{kind}.from")
    if sender is None and kind in ("callback_query", "my_chat_member"):
        raise MalformedUpdateError(f"{kind}.from")
    chat = body.get("chat")
    if chat is not None and not _has_int_id(chat):
        raise MalformedUpdateError(f"{kind}.chat")
    message = body.get("message")
    if (
        kind == "callback_query"
        and message is not None
        and (not isinstance(message, dict) or not _has_int_id(message.get("chat")))
    ):
        raise MalformedUpdateError("callback_query.message")
    for field in TEXT_FIELDS:
        if field in body and not isinstance(body[field], str):
            raise MalformedUpdateError(f"{kind}.{field}")


def _has_int_id(value: object) -> bool:
    return isinstance(value, dict) and type(value.get("id")) is int


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _BAD_CHARS.sub("", value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
