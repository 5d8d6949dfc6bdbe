"""Factories for Bot API update JSON, as Telegram sends it (plain dicts, not PTB objects)."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.telegram.fake_bot_api import BOT_USERNAME

_ids = itertools.count(1)


def next_id() -> int:
    """A fresh id for updates and the user's messages."""
    return next(_ids)


def user(user_id: int, first_name: str = "An", language: str | None = "vi") -> dict[str, Any]:
    found: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language:
        found["language_code"] = language
    return found


def private_chat(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group_chat(chat_id: int = -100_555, title: str = "Tổ dân phố 3") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


def message(
    person: dict[str, Any],
    chat: dict[str, Any] | None = None,
    text: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A message update; `/commands` and `@mentions` get their entities like Telegram's."""
    body: dict[str, Any] = {
        "message_id": next_id(),
        "date": int(time.time()),
        "chat": chat or private_chat(person),
        "from": person,
        **extra,
    }
    if text is not None:
        body["text"] = text
        entities = _entities(text)
        if entities:
            body["entities"] = entities
    return {"update_id": next_id(), "message": body}


def edited(person: dict[str, Any], text: str) -> dict[str, Any]:
    update = message(person, text=text)
    body = update.pop("message")
    body["edit_date"] = int(time.time())
    return {"update_id": update["update_id"], "edited_message": body}


def sticker(person: dict[str, Any]) -> dict[str, Any]:
    return message(
        person,
        sticker={
            "file_id": "CAACAgIAAxkBAAIBc2",
            "file_unique_id": "AgADc2",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )


def photo(person: dict[str, Any], caption: str | None = None) -> dict[str, Any]:
    sizes = [
        {"file_id": f"photo-{n}", "file_unique_id": f"u{n}", "width": w, "height": w}
        for n, w in enumerate((90, 320, 1280))
    ]
    extra: dict[str, Any] = {"photo": sizes}
    if caption:
        extra["caption"] = caption
    return message(person, **extra)


def voice(person: dict[str, Any]) -> dict[str, Any]:
    return message(person, voice={"file_id": "voice-1", "file_unique_id": "v1", "duration": 3})


def location(person: dict[str, Any]) -> dict[str, Any]:
    return message(person, location={"latitude": 21.03, "longitude": 105.85})


def document(person: dict[str, Any]) -> dict[str, Any]:
    return message(
        person,
        document={"file_id": "doc-1", "file_unique_id": "d1", "file_name": "don.pdf"},
    )


def callback(
    person: dict[str, Any], pressed: dict[str, Any], data: str, chat: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A button press on the bot's message `pressed` (as the fake returned it)."""
    return {
        "update_id": next_id(),
        "callback_query": {
            "id": str(next_id()),
            "from": person,
            "chat_instance": "ci-1",
            "data": data,
            "message": {**pressed, "chat": chat or pressed["chat"]},
        },
    }


def blocked(person: dict[str, Any], now_blocked: bool = True) -> dict[str, Any]:
    """my_chat_member: the user blocked (or unblocked) the bot in their private chat."""
    bot = {"id": 1, "is_bot": True, "first_name": "Trợ lý CCHC", "username": BOT_USERNAME}
    kicked = {"user": bot, "status": "kicked", "until_date": 0}
    member = {"user": bot, "status": "member"}
    old, new = (member, kicked) if now_blocked else (kicked, member)
    return {
        "update_id": next_id(),
        "my_chat_member": {
            "chat": private_chat(person),
            "from": person,
            "date": int(time.time()),
            "old_chat_member": old,
            "new_chat_member": new,
        },
    }


def _entities(text: str) -> list[dict[str, Any]]:
    found = []
    if text.startswith("/"):
        found.append({"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])})
    start = text.find("@")
    while start != -1:
        end = start + 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        if end - start > 1 and not (text.startswith("/") and start < len(text.split(" ")[0])):
            found.append({"type": "mention", "offset": start, "length": end - start})
        start = text.find("@", end)
    return found
