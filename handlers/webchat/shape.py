"""The chat request body: `{"text": "…"}` or `{"button": "<payload>"}`, checked strictly."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_BODY = 8 * 1024  # bytes: a message of `max_chars` characters fits easily
MAX_PAYLOAD = 64  # a button payload (Telegram's limit, which the core keeps to)
MAX_LABEL = 200
LANGS = ("vi", "en")


class BadRequestError(Exception):
    """The body cannot be taken: `kind` is "bad" (malformed) or "too_long"."""

    def __init__(self, kind: str, lang: str | None = None) -> None:
        super().__init__(kind)
        self.kind, self.lang = kind, lang


@dataclass(frozen=True)
class ChatRequest:
    """One citizen message: typed `text` or a pressed button's `button` payload."""

    text: str = ""
    button: str | None = None
    label: str = ""  # the pressed button's label (or the file's name), shown as said
    lang: str | None = None
    upload: dict[str, str] | None = None  # kind, ref, name of a stored photo or PDF


def _string(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequestError("bad")
    return value


def parse(body: bytes, max_chars: int) -> ChatRequest:
    """The request, or `BadRequestError`."""
    if len(body) > MAX_BODY:
        raise BadRequestError("too_long")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequestError("bad") from error
    if not isinstance(data, dict):
        raise BadRequestError("bad")
    lang = data.get("lang") if data.get("lang") in LANGS else None
    try:
        return _request(data, max_chars, lang)
    except BadRequestError as error:
        raise BadRequestError(error.kind, lang) from None


def _request(data: dict[str, Any], max_chars: int, lang: str | None) -> ChatRequest:
    text, button = _string(data, "text"), _string(data, "button")
    if (text is None) == (button is None):
        raise BadRequestError("bad")
    if button is not None:
        if not button or len(button) > MAX_PAYLOAD or not button.isprintable():
            raise BadRequestError("bad")
        label = (_string(data, "label") or "").strip()[:MAX_LABEL]
        return ChatRequest(button=button, label=label, lang=lang)
    assert text is not None
    text = text.replace("\x00", "").strip()
    if not text:
        raise BadRequestError("bad")
    if len(text) > max_chars:
        raise BadRequestError("too_long")
    return ChatRequest(text=text, lang=lang)


def stored(request: ChatRequest, session: str, message_id: str) -> dict[str, Any]:
    """The inbox payload for the front door (translated later by `convert.translate`)."""
    body: dict[str, Any] = {"sid": session, "mid": message_id}
    if request.upload is not None:
        body["upload"], body["label"] = request.upload, request.label
    elif request.button is not None:
        body["button"], body["label"] = request.button, request.label
    else:
        body["text"] = request.text
    if request.lang:
        body["lang"] = request.lang
    return body
