"""Telegram `Update` → `Inbound`: what the core should see, and where the answer goes."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.messages import Attachment, Inbound

CHANNEL = "telegram"
PRIVATE = ChatType.PRIVATE
# What a message can carry besides text, in the order we name it (first match wins).
MEDIA_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video_note",
    "video",
    "animation",
    "audio",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)
FILE_KINDS = ("photo", "voice", "video_note", "video", "animation", "audio", "document")


@dataclass(frozen=True)
class Incoming:
    """An update the core should handle: the `Inbound`, plus where and how to answer."""

    update_id: int
    inbound: Inbound
    chat_id: int
    private: bool
    reply_to: int | None = None  # the user's message (answered as a reply in groups)
    callback_id: str | None = None
    pressed_message_id: int | None = None  # the message whose button was pressed
    pressed_payloads: tuple[str, ...] = ()  # every button payload on that message


@dataclass(frozen=True)
class Membership:
    """A private chat's user blocked (`blocked=True`) or unblocked the bot."""

    user_id: str
    blocked: bool


# Keys of a message the fast path does not look at; any other key sends it to PTB's parsing.
PLAIN_KEYS = frozenset(
    {"message_id", "date", "chat", "from", "text", "message_thread_id", "link_preview_options"}
)


def plain_private_text(payload: dict[str, Any]) -> Incoming | None:
    """The most common update, a private chat's plain text message (no command, entity,
    media, caption, reply or edit), read from the stored dict; None for anything else, which
    `to_incoming` handles through PTB's `Update`. Gives what `to_incoming` gives for it."""
    if len(payload) != 2 or not isinstance(update_id := payload.get("update_id"), int):
        return None
    message = payload.get("message")
    if not isinstance(message, dict) or not PLAIN_KEYS.issuperset(message):
        return None
    chat, user, text = message.get("chat"), message.get("from"), message.get("text")
    if not (isinstance(chat, dict) and isinstance(user, dict) and isinstance(text, str)):
        return None
    chat_id, user_id, first = chat.get("id"), user.get("id"), user.get("first_name")
    if chat.get("type") != PRIVATE or type(chat_id) is not int or type(user_id) is not int:
        return None
    if user.get("is_bot") is not False or not isinstance(first, str):
        return None
    last, language = user.get("last_name"), user.get("language_code")
    if not (last is None or isinstance(last, str)) or not (
        language is None or isinstance(language, str)
    ):
        return None
    name = f"{first} {last}" if first and last else first
    inbound = Inbound(
        CHANNEL,
        str(user_id),
        text=text.strip(),
        display_name=name or None,
        language_hint=language,
    )
    return Incoming(update_id, inbound, chat_id, True, None)


def to_incoming(update: Update, bot_username: str) -> Incoming | None:
    """The update as something to handle, or None when the bot should stay silent."""
    if update.callback_query is not None:
        return _from_callback(update)
    message = update.message or update.edited_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    private = message.chat.type == PRIVATE
    if update.edited_message is not None:
        if not private:
            return None
        return _incoming(update, message, private, unsupported="edited_message")
    text = message.text or message.caption or ""
    command = _command(message, bot_username)
    if command is not None:
        if command[0] is None:
            return None  # a command for another bot in the same group
        return _incoming(update, message, private, command=command[0], args=command[1])
    if not private and not _replies_to_bot(message, bot_username):
        mentioned = _strip_mention(message, bot_username)
        if mentioned is None:
            return None
        text = mentioned
    kind = _media_kind(message)
    if kind is not None:
        return _incoming(update, message, private, text=text, unsupported=kind)
    return _incoming(update, message, private, text=text)


def to_membership(update: Update) -> Membership | None:
    """A block/unblock of the bot in a private chat, if this update is one."""
    change = update.my_chat_member
    if change is None or change.chat.type != PRIVATE:
        return None
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        return Membership(str(change.from_user.id), blocked=True)
    if status == ChatMemberStatus.MEMBER:
        return Membership(str(change.from_user.id), blocked=False)
    return None


def _incoming(
    update: Update,
    message: Message,
    private: bool,
    *,
    text: str = "",
    command: str | None = None,
    args: str = "",
    unsupported: str | None = None,
) -> Incoming:
    user = message.from_user
    assert user is not None
    inbound = Inbound(
        CHANNEL,
        str(user.id),
        text=text.strip(),
        command=command,
        args=args,
        display_name=user.full_name or None,
        language_hint=user.language_code,
        attachments=_attachments(message),
        unsupported=unsupported,
        group=None if private else str(message.chat.id),  # others read: nothing personal
    )
    reply_to = None if private else message.message_id
    return Incoming(update.update_id, inbound, message.chat.id, private, reply_to)


def _from_callback(update: Update) -> Incoming | None:
    query = update.callback_query
    assert query is not None
    if not query.data:
        return None
    user = query.from_user
    inbound = Inbound(
        CHANNEL,
        str(user.id),
        payload=query.data,
        display_name=user.full_name or None,
        language_hint=user.language_code,
    )
    pressed = query.message
    if pressed is None:  # a button under an inline-mode message: answer in private
        return Incoming(update.update_id, inbound, user.id, True, callback_id=query.id)
    if pressed.chat.type != PRIVATE:  # a button in a group: others read the answer
        inbound = dataclasses.replace(inbound, group=str(pressed.chat.id))
    payloads: tuple[str, ...] = ()
    if isinstance(pressed, Message) and pressed.reply_markup is not None:
        payloads = tuple(
            button.callback_data
            for row in pressed.reply_markup.inline_keyboard
            for button in row
            if isinstance(button.callback_data, str)
        )
    return Incoming(
        update.update_id,
        inbound,
        pressed.chat.id,
        pressed.chat.type == PRIVATE,
        callback_id=query.id,
        pressed_message_id=pressed.message_id,
        pressed_payloads=payloads,
    )


def _command(message: Message, bot_username: str) -> tuple[str | None, str] | None:
    """(name, args) for a `/command`; name None when it is addressed to another bot."""
    text = message.text or ""
    entities = message.entities or ()
    if not any(e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in entities):
        return None
    head, _, args = text.partition(" ")
    name, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None, ""
    return name.lower(), args.strip()


def _replies_to_bot(message: Message, bot_username: str) -> bool:
    """A group message that answers one of the bot's own messages is addressed to the bot."""
    original = message.reply_to_message
    author = original.from_user if original is not None else None
    return author is not None and (author.username or "").lower() == bot_username.lower()


def _strip_mention(message: Message, bot_username: str) -> str | None:
    """The text without `@bot`, or None when the bot is not mentioned."""
    mention = f"@{bot_username}".lower()
    found = [
        *message.parse_entities([MessageEntity.MENTION]).values(),
        *message.parse_caption_entities([MessageEntity.MENTION]).values(),
    ]
    if mention not in (value.lower() for value in found):
        return None
    text = re.sub(re.escape(mention), " ", message.text or message.caption or "", flags=re.I)
    return " ".join(text.split())


def _media_kind(message: Message) -> str | None:
    for kind in MEDIA_KINDS:
        if getattr(message, kind, None):
            return kind
    if message.text is None and message.caption is None:
        return "other"
    return None


def _attachments(message: Message) -> tuple[Attachment, ...]:
    for kind in FILE_KINDS:
        found = getattr(message, kind, None)
        if not found:
            continue
        item = found[-1] if isinstance(found, tuple) else found  # photo: largest size last
        name = getattr(item, "file_name", None)
        return (Attachment(kind, item.file_id, name if isinstance(name, str) else None),)
    return ()
