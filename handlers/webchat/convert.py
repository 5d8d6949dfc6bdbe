"""A stored web chat message → the front door's event: a pure translation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.gateway.events import Arrival
from bot.messages import Attachment, Inbound

CHANNEL = "webchat"
OPENING = "/start"  # sent by the page itself when a conversation begins: not shown as said


@dataclass(frozen=True)
class Where:
    """Where the answer goes: the session, the message it answers, what the page shows."""

    session: str
    message_id: str
    said: str  # the citizen's text, or the pressed button's label


def translate(payload: dict[str, Any]) -> Arrival | None:
    """The stored body (see `shape.stored`) as an `Arrival`; None when it is not one."""
    session, message_id = payload.get("sid"), payload.get("mid")
    if not isinstance(session, str) or not isinstance(message_id, str):
        return None
    lang = payload.get("lang") if isinstance(payload.get("lang"), str) else None
    upload = payload.get("upload")
    if isinstance(upload, dict):
        kind, ref, name = (str(upload.get(k, "")) for k in ("kind", "ref", "name"))
        attached = (Attachment(kind, ref, name or None),)
        inbound = Inbound(
            CHANNEL, session, attachments=attached, unsupported=kind, language_hint=lang
        )
        return Arrival(inbound, Where(session, message_id, str(payload.get("label") or "")))
    button = payload.get("button")
    if isinstance(button, str):
        label = payload.get("label")
        said = label if isinstance(label, str) else ""
        inbound = Inbound(CHANNEL, session, payload=button, language_hint=lang)
        return Arrival(inbound, Where(session, message_id, said))
    text = payload.get("text")
    if not isinstance(text, str):
        return None
    if text.startswith("/") and len(text) > 1:
        name, _, args = text[1:].partition(" ")
        inbound = Inbound(
            CHANNEL, session, command=name.lower(), args=args.strip(), language_hint=lang
        )
    else:
        inbound = Inbound(CHANNEL, session, text=text, language_hint=lang)
    return Arrival(inbound, Where(session, message_id, "" if text == OPENING else text))
