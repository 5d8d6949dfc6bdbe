"""Plain private text is read from the stored dict without PTB: exactly what PTB's path gives,
and every other update is left to PTB."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, Update

from handlers.telegram.convert import plain_private_text, to_incoming
from tests.telegram import updates

BOT = Bot("123456:AAunit-test-token-not-real-000000")
AN = updates.user(7_001, "An", "vi")


def with_user(**fields: Any) -> dict[str, Any]:
    person = {**AN, **fields}
    return updates.message(person, text="  làm căn cước ở đâu ")


PLAIN = [
    pytest.param(updates.message(AN, text="  làm căn cước ở đâu "), id="text"),
    pytest.param(with_user(last_name="Nguyễn"), id="last name"),
    pytest.param(with_user(first_name=""), id="no first name"),
    pytest.param(updates.message(updates.user(8, "Bình", None), text="hello"), id="no language"),
]
OTHERS = [
    pytest.param(updates.message(AN, text="/start"), id="command"),
    pytest.param(updates.message(AN, text="/tracuu HS-1"), id="command with args"),
    pytest.param(updates.edited(AN, "sửa lại"), id="edited"),
    pytest.param(updates.photo(AN, caption="giấy tờ"), id="photo"),
    pytest.param(updates.sticker(AN), id="sticker"),
    pytest.param(updates.message(AN, text="hỏi", chat=updates.group_chat()), id="group"),
    pytest.param(
        updates.callback(AN, {"message_id": 5, "date": 0, "chat": updates.private_chat(AN)}, "m"),
        id="button",
    ),
    pytest.param(updates.blocked(AN), id="blocked"),
    pytest.param(with_user(is_bot=True), id="a bot"),
]


@pytest.mark.parametrize("data", PLAIN)
def test_plain_text_is_read_as_ptb_reads_it(data: dict[str, Any]) -> None:
    fast = plain_private_text(data)
    assert fast is not None
    assert fast == to_incoming(Update.de_json(data, BOT), "cchc_test_bot")


@pytest.mark.parametrize("data", OTHERS)
def test_everything_else_goes_through_ptb(data: dict[str, Any]) -> None:
    assert plain_private_text(data) is None
