"""`Reply` → Telegram messages: HTML escaping, clean splitting under 4096, inline keyboards."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import ForceReply

from bot import menu
from bot.messages import Reply

log = logging.getLogger(__name__)

MAX_TEXT = 4096  # Telegram's limit, in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
SEPARATORS = ("\n\n", "\n", " ")  # paragraph, line, word: the cleanest cut first
# Buttons that only move around the menu: a message carrying nothing else is a menu, and
# pressing one of them redraws that menu in place instead of sending a new message.
NAVIGATION = frozenset({menu.MENU, menu.GROUP, menu.ENTRY, menu.QUIZ})  # the main menu's rows
REDRAWS = frozenset({menu.MENU, menu.GROUP})
# The subscription screen and an announcement's status card are redrawn in place too: a topic
# ticked, a "🔄 Cập nhật" pressed edit the message they are on. (Not `bcm:x`, which answers.)
SCREENS = {"bsub:": frozenset({"bsub", "bcu"}), "bcm:p:": frozenset({"bcm"})}


@dataclass(frozen=True, slots=True)
class KeyButton:
    """An inline keyboard button, as the Bot API names its fields (not PTB's object: building
    PTB's buttons for every answer cost more than rendering the rest of it)."""

    text: str
    callback_data: str


@dataclass(frozen=True, slots=True)
class Keyboard:
    """An inline keyboard (`InlineKeyboardMarkup`'s shape, without PTB)."""

    inline_keyboard: tuple[tuple[KeyButton, ...], ...]

    def to_dict(self) -> dict[str, list[list[dict[str, str]]]]:
        """The `reply_markup` JSON."""
        return {
            "inline_keyboard": [
                [{"text": b.text, "callback_data": b.callback_data} for b in row]
                for row in self.inline_keyboard
            ]
        }


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message: HTML text and an optional inline keyboard."""

    text: str
    markup: Keyboard | ForceReply | None = None


def escape(text: str) -> str:
    """Plain text made safe for parse_mode=HTML."""
    return html.escape(text, quote=False)


def length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Plain text cut into pieces whose escaped form fits `limit`, at the cleanest boundary."""
    pieces = _pack(text.strip(), SEPARATORS, limit)
    return [piece for piece in (p.strip("\n") for p in pieces) if piece.strip()] or ["…"]


def keyboard(reply: Reply) -> Keyboard | None:
    """The reply's button rows as an inline keyboard (buttons with oversize payloads dropped)."""
    rows = []
    for row in reply.buttons:
        buttons = []
        for button in row:
            if len(button.payload.encode()) > MAX_CALLBACK_DATA:
                log.warning("dropped a button whose payload exceeds 64 bytes: %s", button.label)
                continue
            buttons.append(KeyButton(button.label, button.payload))
        if buttons:
            rows.append(tuple(buttons))
    return Keyboard(tuple(rows)) if rows else None


def render(reply: Reply, limit: int = MAX_TEXT) -> list[Outgoing]:
    """One reply as one or more messages; the buttons go under the last one."""
    chunks = [escape(piece) for piece in split(reply.text, limit)]
    markup: Keyboard | ForceReply | None = keyboard(reply)
    if markup is None and reply.meta.get("force_reply"):
        # The core waits for typed text (e.g. a staff answer): in a group, Telegram then lets
        # that person reply to this message, which reaches us without mentioning the bot.
        markup = ForceReply(selective=True)
    return [
        Outgoing(chunk, markup if n == len(chunks) - 1 else None) for n, chunk in enumerate(chunks)
    ]


def render_all(replies: Iterable[Reply], limit: int = MAX_TEXT) -> list[Outgoing]:
    """Every reply, in order."""
    return [message for reply in replies for message in render(reply, limit)]


def redraws_in_place(pressed: str, payloads_on_message: Iterable[str]) -> bool:
    """Whether pressing `pressed` on a message with these buttons should redraw that message."""
    kinds = {payload.partition(":")[0] for payload in payloads_on_message}
    for prefix, allowed in SCREENS.items():
        if pressed.startswith(prefix):
            return bool(kinds) and kinds <= allowed
    return pressed.partition(":")[0] in REDRAWS and bool(kinds) and kinds <= NAVIGATION


def _fits(text: str, limit: int) -> bool:
    return length(escape(text)) <= limit


def _pack(text: str, separators: tuple[str, ...], limit: int) -> list[str]:
    """Greedy packing of `text`'s parts; parts too long are cut at the next separator."""
    if _fits(text, limit):
        return [text]
    if not separators:
        return _cut(text, limit)
    separator, finer = separators[0], separators[1:]
    chunks: list[str] = []
    current = ""
    for part in text.split(separator):
        for piece in _pack(part, finer, limit):
            candidate = f"{current}{separator}{piece}" if current else piece
            if _fits(candidate, limit):
                current = candidate
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _cut(text: str, limit: int) -> list[str]:
    """Last resort for a single over-long word: cut between characters."""
    chunks: list[str] = []
    current, size = "", 0
    for char in text:
        cost = length(escape(char))
        if size + cost > limit:
            chunks.append(current)
            current, size = "", 0
        current += char
        size += cost
    if current:
        chunks.append(current)
    return chunks
