"""Telegram's checks on a message, as the Bot API applies them, for the fake server.

`parse_html` follows Telegram's HTML parse mode: only its tags, every start tag closed in order,
`&lt; &gt; &amp; &quot;` and numeric entities decoded (any other `&` stays as it is). Lengths are
counted as Telegram does, in UTF-16 code units of the text left after parsing.
"""

from __future__ import annotations

import html
import re
from typing import Any

MAX_TEXT = 4096  # UTF-16 code units, after entities are parsed
MAX_CAPTION = 1024  # a photo's caption, counted the same way
MAX_CALLBACK_DATA = 64  # bytes
TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")


class BotApiError(Exception):
    """A request Telegram answers with an error: the status and Telegram's description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _entities_error(message: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: can't parse entities: {message}")


def parse_html(text: str) -> str:
    """The visible text of `text` in HTML parse mode; raises BotApiError as Telegram would."""
    out: list[str] = []
    open_tags: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "&":
            entity = _ENTITY.match(text, position)
            if entity:
                out.append(html.unescape(entity.group(0)))
                position = entity.end()
                continue
            out.append(char)
            position += 1
            continue
        if char != "<":
            out.append(char)
            position += 1
            continue
        end = text.find(">", position)
        if end == -1:
            raise _entities_error(f"Unclosed start tag at byte offset {_offset(text, position)}")
        position = _tag(text, position, end, open_tags)
    if open_tags:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(out)


def _tag(text: str, start: int, end: int, open_tags: list[str]) -> int:
    """Check one `<...>` against the open tags; returns the position after it."""
    closing = text.startswith("</", start)
    name_match = _NAME.match(text, start + (2 if closing else 1))
    name = name_match.group(0).lower() if name_match else ""
    at = _offset(text, start)
    if closing:
        if not open_tags:
            raise _entities_error(f"Unexpected end tag at byte offset {at}")
        if name != open_tags[-1]:
            raise _entities_error(
                f'Unmatched end tag at byte offset {at}, expected "</{open_tags[-1]}>", '
                f'found "</{name}>"'
            )
        open_tags.pop()
        return end + 1
    if name not in TAGS:
        shown = name or text[start + 1 : end]
        raise _entities_error(f'Unsupported start tag "{shown}" at byte offset {at}')
    open_tags.append(name)
    return end + 1


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def check_text(params: dict[str, Any]) -> None:
    """sendMessage / editMessageText: the text parses, is not empty and not too long."""
    text = str(params.get("text", ""))
    visible = parse_html(text) if str(params.get("parse_mode", "")).upper() == "HTML" else text
    if not visible.strip():
        raise BotApiError(400, "Bad Request: message text is empty")
    if utf16_length(visible) > MAX_TEXT:
        raise BotApiError(400, "Bad Request: message is too long")


def check_caption(params: dict[str, Any]) -> None:
    """sendPhoto: a photo is given and the caption, when any, parses and fits 1,024."""
    if not str(params.get("photo", "")).strip():
        raise BotApiError(400, "Bad Request: there is no photo in the request")
    caption = str(params.get("caption", ""))
    html_mode = str(params.get("parse_mode", "")).upper() == "HTML"
    visible = parse_html(caption) if html_mode else caption
    if utf16_length(visible) > MAX_CAPTION:
        raise BotApiError(400, "Bad Request: message caption is too long")


def check_markup(params: dict[str, Any]) -> None:
    """Inline keyboards: every button's callback_data is 1–64 bytes."""
    markup = params.get("reply_markup") or {}
    if not isinstance(markup, dict):
        raise BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def check_chat(chat_id: int, known: set[int]) -> None:
    """A chat the bot has never seen: a user who never wrote to it, or a group it is not in."""
    if chat_id in known:
        return
    if chat_id > 0:
        raise BotApiError(403, "Forbidden: bot can't initiate conversation with a user")
    raise BotApiError(400, "Bad Request: chat not found")
