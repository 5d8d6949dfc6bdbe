"""The fake Bot API refuses what Telegram refuses, with Telegram's status and description."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.telegram import updates
from tests.telegram.conftest import new_token
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.fake_html import parse_html

USER = 7_001


def call(fake: FakeBotApi, token: str, method: str, **params: Any) -> tuple[int, str]:
    """POST a Bot API method as JSON; (HTTP status, description or "ok")."""
    response = httpx.post(f"{fake.base_url}{token}/{method}", json=params, timeout=10)
    body = response.json()
    return response.status_code, "ok" if body["ok"] else body["description"]


@pytest.fixture
def token(fake_api: FakeBotApi) -> str:
    token = new_token()
    fake_api.add_chat(token, USER)
    return token


def send(fake: FakeBotApi, token: str, text: str, **params: Any) -> tuple[int, str]:
    return call(fake, token, "sendMessage", chat_id=USER, text=text, parse_mode="HTML", **params)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("a" * 4096, True),
        ("a" * 4097, False),
        ("😀" * 2048, True),  # outside the BMP: two UTF-16 units each
        ("😀" * 2048 + "a", False),
        ("ệ" * 4096, True),  # precomposed Vietnamese: one unit each
        ("<b>" + "a" * 4096 + "</b>", True),  # the limit is on the text after parsing
        ("&lt;" * 4096, True),
        ("&lt;" * 4097, False),
    ],
)
def test_the_4096_utf16_unit_limit(
    fake_api: FakeBotApi, token: str, text: str, accepted: bool
) -> None:
    expected = (200, "ok") if accepted else (400, "Bad Request: message is too long")
    assert send(fake_api, token, text) == expected


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("<b>đậm</b> <i>nghiêng</i> <a href='https://dichvucong.gov.vn'>link</a>", None),
        ("a &lt; b &amp; c &gt; d, &quot;x&quot; &#273; & tự do", None),
        ("<b>không đóng", 'Can\'t find end tag corresponding to start tag "b"'),
        ("xuống<br>dòng", 'Unsupported start tag "br" at byte offset 7'),  # ố: 3 bytes
        ("a < b", "Unclosed start tag at byte offset 2"),
        ("a < b > c", 'Unsupported start tag " b " at byte offset 2'),
        ("đóng </b> thừa", "Unexpected end tag at byte offset 7"),
        (
            "<b><i>chéo</b></i>",
            'Unmatched end tag at byte offset 11, expected "</i>", found "</b>"',
        ),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_html_parse_mode(
    fake_api: FakeBotApi, token: str, text: str, description: str | None
) -> None:
    if description is None:
        assert send(fake_api, token, text) == (200, "ok")
    else:
        expected = f"Bad Request: can't parse entities: {description}"
        assert send(fake_api, token, text) == (400, expected)


def test_without_parse_mode_tags_are_plain_text(fake_api: FakeBotApi, token: str) -> None:
    assert call(fake_api, token, "sendMessage", chat_id=USER, text="a < b <br>") == (200, "ok")
    assert parse_html("a &amp; b &unknown; c") == "a & b &unknown; c"


def test_empty_text_is_refused(fake_api: FakeBotApi, token: str) -> None:
    assert send(fake_api, token, "<b> </b>") == (400, "Bad Request: message text is empty")


@pytest.mark.parametrize(
    ("data", "accepted"),
    [("x" * 64, True), ("x" * 65, False), ("ệ" * 21, True), ("ệ" * 22, False), ("", False)],
)
def test_callback_data_is_1_to_64_bytes(
    fake_api: FakeBotApi, token: str, data: str, accepted: bool
) -> None:
    markup = {"inline_keyboard": [[{"text": "Chọn", "callback_data": data}]]}
    expected = (200, "ok") if accepted else (400, "Bad Request: BUTTON_DATA_INVALID")
    assert send(fake_api, token, "Chọn một mục", reply_markup=markup) == expected
    edited = call(
        fake_api, token, "editMessageReplyMarkup", chat_id=USER, message_id=1, reply_markup=markup
    )
    assert edited == expected


def test_unknown_chats_are_refused_until_they_write(fake_api: FakeBotApi) -> None:
    token = new_token()
    stranger, group = 8_002, -100_555
    forbidden = (403, "Forbidden: bot can't initiate conversation with a user")
    assert call(fake_api, token, "sendMessage", chat_id=stranger, text="Chào") == forbidden
    assert call(fake_api, token, "sendMessage", chat_id=group, text="Chào") == (
        400,
        "Bad Request: chat not found",
    )
    fake_api.push_update(token, updates.message(updates.user(stranger), text="/start"))
    fake_api.add_chat(token, group)
    assert call(fake_api, token, "sendMessage", chat_id=stranger, text="Chào") == (200, "ok")
    assert call(fake_api, token, "sendChatAction", chat_id=group, action="typing") == (200, "ok")
    refused = [c for c in fake_api.calls(token, "sendMessage") if not c.ok]
    assert [c.status for c in refused] == [403, 400]  # refusals are recorded like Telegram's


def test_form_encoded_requests_as_ptb_sends_them_are_checked_too(
    fake_api: FakeBotApi, token: str
) -> None:
    form = {"chat_id": str(USER), "text": "<b>x", "parse_mode": "HTML"}
    response = httpx.post(f"{fake_api.base_url}{token}/sendMessage", data=form, timeout=10)
    assert response.status_code == 400
    assert json.loads(response.text)["error_code"] == 400
