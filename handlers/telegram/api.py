"""Lean Bot API calls for the hot path: parameters in, the raw result out, no PTB objects.

`Bot.send_message` turns every result into a `Message` (the bot never reads it: about a tenth
of the bot's CPU at a few hundred messages a second, and it fails on markups PTB cannot
parse). These calls go through the same request object and the same error mapping
(`RetryAfter`, `Forbidden`, `BadRequest`, …) but return the decoded JSON result.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, ForceReply, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.request import RequestData

# PTB's own parameter type: public in use (RequestData holds it), private in location.
from telegram.request._requestparameter import RequestParameter

from handlers.telegram.render import Keyboard, Outgoing
from handlers.telegram.request import JsonRequest

NO_PREVIEW = {"is_disabled": True}  # KB answers cite portal URLs; no preview card for each


async def call(bot: Bot, method: str, params: dict[str, Any]) -> Any:
    """POST `method` with `params` (None values left out); the result as decoded JSON.

    The values are plain JSON already (`markup_of` builds the markups). With our own request
    object the call skips PTB and httpx (`JsonRequest.post_json`); with any other (a test's
    Bot) it goes through PTB's request as before.
    """
    given = {k: v for k, v in params.items() if v is not None}
    request = bot.request
    if isinstance(request, JsonRequest):
        return await request.post_json(f"{bot.base_url}/{method}", given)
    data = RequestData([RequestParameter.from_input(k, v) for k, v in given.items()])
    return await request.post(f"{bot.base_url}/{method}", request_data=data)


def markup_of(
    markup: Keyboard | InlineKeyboardMarkup | ForceReply | None,
) -> dict[str, Any] | None:
    """A reply markup as the JSON the Bot API takes (inline keyboards built directly: PTB's
    generic `to_dict` walks every attribute of every button)."""
    if isinstance(markup, Keyboard):
        return markup.to_dict()
    if isinstance(markup, InlineKeyboardMarkup):
        rows = [
            [{"text": b.text, "callback_data": b.callback_data} for b in row]
            for row in markup.inline_keyboard
        ]
        return {"inline_keyboard": rows}
    return markup.to_dict() if markup is not None else None


async def send_outgoing(
    bot: Bot,
    chat_id: int | str,
    message: Outgoing,
    reply_to: int | None = None,
    preview: str | None = None,
) -> Any:
    """sendMessage with HTML parse mode, optionally as a reply; no link preview, or (`preview`)
    a large one of that address above the text."""
    reply = {"message_id": reply_to, "allow_sending_without_reply": True} if reply_to else None
    shown = (
        {"url": preview, "prefer_large_media": True, "show_above_text": True}
        if preview
        else NO_PREVIEW
    )
    params = {
        "chat_id": chat_id,
        "text": message.text,
        "parse_mode": ParseMode.HTML.value,
        "reply_markup": markup_of(message.markup),
        "link_preview_options": shown,
        "reply_parameters": reply,
    }
    return await call(bot, "sendMessage", params)


async def send_photo(bot: Bot, chat_id: int | str, photo: str, caption: Outgoing) -> Any:
    """sendPhoto by address, the caption in HTML parse mode with the message's keyboard."""
    params = {
        "chat_id": chat_id,
        "photo": photo,
        "caption": caption.text,
        "parse_mode": ParseMode.HTML.value,
        "reply_markup": markup_of(caption.markup),
    }
    return await call(bot, "sendPhoto", params)


async def edit_text(bot: Bot, chat_id: int, message_id: int, message: Outgoing) -> Any:
    """editMessageText: redraw a menu in place."""
    params = {
        "chat_id": chat_id,
        "message_id": message_id,
        "text": message.text,
        "parse_mode": ParseMode.HTML.value,
        "reply_markup": markup_of(message.markup),
        "link_preview_options": NO_PREVIEW,
    }
    return await call(bot, "editMessageText", params)


async def answer_callback(bot: Bot, callback_id: str, text: str | None = None) -> Any:
    """answerCallbackQuery: stop a button's spinner, optionally with a toast."""
    return await call(bot, "answerCallbackQuery", {"callback_query_id": callback_id, "text": text})
