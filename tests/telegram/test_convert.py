"""Update → Inbound, on real PTB `Update` objects built from Bot API JSON."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, Update

from handlers.telegram.convert import Incoming, to_incoming, to_membership
from tests.telegram import updates

AN = updates.user(7_001, "An", "vi")
BOT = Bot("123456:AAunit-test-token-not-real-000000")


def parse(data: dict[str, Any]) -> Update:
    return Update.de_json(data, BOT)


def convert(data: dict[str, Any]) -> Incoming | None:
    return to_incoming(parse(data), "cchc_test_bot")


def test_text_message() -> None:
    found = convert(updates.message(AN, text="  làm căn cước ở đâu "))
    assert found is not None
    inbound = found.inbound
    assert (inbound.channel, inbound.user_id, inbound.text) == (
        "telegram",
        "7001",
        "làm căn cước ở đâu",
    )
    assert (inbound.language_hint, inbound.display_name) == ("vi", "An")
    assert (found.chat_id, found.private, found.reply_to) == (7_001, True, None)


@pytest.mark.parametrize(
    ("text", "command", "args"),
    [
        ("/start", "start", ""),
        ("/START@cchc_test_bot", "start", ""),
        ("/tracuu  PA-123 ", "tracuu", "PA-123"),
        ("/start ref_qr_code", "start", "ref_qr_code"),
    ],
)
def test_commands(text: str, command: str, args: str) -> None:
    found = convert(updates.message(AN, text=text))
    assert found is not None
    assert (found.inbound.command, found.inbound.args, found.inbound.text) == (command, args, "")


def test_a_command_for_another_bot_is_ignored() -> None:
    assert convert(updates.message(AN, updates.group_chat(), "/start@other_bot")) is None


def test_group_messages_need_a_mention_which_is_stripped() -> None:
    group = updates.group_chat()
    assert convert(updates.message(AN, group, "lam can cuoc o dau")) is None
    assert convert(updates.message(AN, group, "hỏi @someone_else nhé")) is None
    found = convert(updates.message(AN, group, "@CCHC_test_bot lam can cuoc o dau"))
    assert found is not None
    assert found.inbound.text == "lam can cuoc o dau"
    assert (found.chat_id, found.private) == (group["id"], False)
    assert found.reply_to is not None  # answers quote the question in a group


@pytest.mark.parametrize(
    ("factory", "kind"),
    [
        (updates.sticker, "sticker"),
        (updates.voice, "voice"),
        (updates.location, "location"),
        (updates.document, "document"),
        (updates.photo, "photo"),
    ],
)
def test_things_we_cannot_read_are_marked_unsupported(factory: Any, kind: str) -> None:
    found = convert(factory(AN))
    assert found is not None
    assert (found.inbound.unsupported, found.inbound.text) == (kind, "")


def test_files_are_passed_as_references_and_captions_as_text() -> None:
    found = convert(updates.photo(AN, "giấy này nộp ở đâu"))
    assert found is not None
    [attachment] = found.inbound.attachments
    assert (attachment.kind, attachment.ref) == ("photo", "photo-2")  # the largest size
    assert found.inbound.text == "giấy này nộp ở đâu"
    [doc] = convert(updates.document(AN)).inbound.attachments  # type: ignore[union-attr]
    assert (doc.kind, doc.name) == ("document", "don.pdf")


def test_edited_messages_are_unsupported_in_private_and_ignored_in_groups() -> None:
    found = convert(updates.edited(AN, "sửa"))
    assert found is not None
    assert found.inbound.unsupported == "edited_message"
    edit_in_group = updates.edited(AN, "sửa")
    edit_in_group["edited_message"]["chat"] = updates.group_chat()
    assert convert(edit_in_group) is None


def test_button_press() -> None:
    pressed = {
        "message_id": 55,
        "date": 0,
        "chat": updates.private_chat(AN),
        "text": "menu",
        "reply_markup": {
            "inline_keyboard": [[{"text": "Hộ tịch", "callback_data": "grp:ho_tich"}]]
        },
    }
    found = convert(updates.callback(AN, pressed, "grp:ho_tich"))
    assert found is not None
    assert (found.inbound.payload, found.inbound.text) == ("grp:ho_tich", "")
    assert found.callback_id is not None
    assert (found.pressed_message_id, found.pressed_payloads) == (55, ("grp:ho_tich",))


def test_button_press_in_a_group_is_passed_through() -> None:
    group = updates.group_chat()
    pressed = {"message_id": 9, "date": 0, "chat": group, "text": "x"}
    found = convert(updates.callback(AN, pressed, "fwd:3", group))
    assert found is not None
    assert (found.chat_id, found.private, found.inbound.user_id) == (group["id"], False, "7001")


def test_messages_from_bots_and_updates_without_messages_are_ignored() -> None:
    robot = updates.user(99, "Robot")
    robot["is_bot"] = True
    assert convert(updates.message(robot, text="hi")) is None
    assert convert(updates.blocked(AN)) is None


def test_block_and_unblock() -> None:
    blocked = to_membership(parse(updates.blocked(AN, now_blocked=True)))
    unblocked = to_membership(parse(updates.blocked(AN, now_blocked=False)))
    assert blocked is not None
    assert unblocked is not None
    assert (blocked.user_id, blocked.blocked, unblocked.blocked) == ("7001", True, False)
    assert to_membership(parse(updates.message(AN, text="hi"))) is None
