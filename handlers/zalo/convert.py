"""A stored Zalo event → the front door's event: a pure translation (choices passed in)."""

from __future__ import annotations

from typing import Any

from bot.callbacks import number
from bot.gateway.events import Arrival, Event, Membership
from bot.menu import CHOICE, MAX_CHOICES, payload
from bot.messages import Attachment, Inbound
from handlers.zalo.shape import CHANNEL, FOLLOW, MEDIA, TEXT, UNFOLLOW, key_of


def _message(data: dict[str, Any]) -> dict[str, Any]:
    message = data.get("message")
    return message if isinstance(message, dict) else {}


def text_inbound(user: str, text: str, shown: list[str]) -> Inbound:
    """Typed text: a digit picks a numbered choice, `/x` is a command, the rest is text.

    A short number that is none of the choices shown becomes a `num:` payload, so the core
    asks for 1–N rather than taking it for a question (as on the console channel).
    """
    text = text.strip()
    choice = number(text, 0, MAX_CHOICES) if shown else None
    if choice is not None and 1 <= choice <= len(shown):
        return Inbound(CHANNEL, user, payload=shown[choice - 1])
    if choice is not None:
        return Inbound(CHANNEL, user, payload=payload(CHOICE, choice, len(shown)))
    if text.startswith("/") and len(text) > 1:
        name, _, args = text[1:].partition(" ")
        return Inbound(CHANNEL, user, command=name.lower(), args=args.strip())
    return Inbound(CHANNEL, user, text=text)


def _attachments(kind: str, message: dict[str, Any]) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    items = message.get("attachments")
    for item in items if isinstance(items, list) else []:
        body = item.get("payload") if isinstance(item, dict) else None
        if not isinstance(body, dict):
            continue
        if kind == "location":
            point = body.get("coordinates")
            if isinstance(point, dict):
                where = f"{point.get('latitude')},{point.get('longitude')}"
                found.append(Attachment("location", where[:200]))
        elif isinstance(body.get("url"), str):
            name = body.get("name")
            found.append(
                Attachment(kind, body["url"][:500], name if isinstance(name, str) else None)
            )
    return tuple(found)


def translate(data: dict[str, Any], shown: list[str]) -> Event | None:
    """The event for the core (`shown`: payloads of the numbered choices last shown)."""
    key = key_of(data)
    if key.citizen is None:
        return None
    if key.event in (FOLLOW, UNFOLLOW):
        return Membership(key.citizen, blocked=key.event == UNFOLLOW)
    message = _message(data)
    text = message.get("text")
    text = text if isinstance(text, str) else ""
    if key.event == TEXT:
        return Arrival(text_inbound(key.citizen, text, shown), key.citizen)
    kind = MEDIA.get(key.event)
    if kind is None:
        return None
    inbound = Inbound(
        CHANNEL,
        key.citizen,
        text=text.strip() if kind in ("photo", "document") else "",
        attachments=_attachments(kind, message)
        if kind in ("photo", "document", "location")
        else (),
        unsupported=kind,
    )
    return Arrival(inbound, key.citizen)
