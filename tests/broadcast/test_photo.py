"""An announcement with a picture on Telegram, over real HTTP against the fake Bot API: a photo
with the text as its caption (and the 🔕 button) when the text fits Telegram's 1,024-character
caption; a longer text goes as one message with the picture as its large link preview above
the text. One message per subscriber either way (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.broadcast.expander import Expander
from bot.broadcast.models import DONE
from bot.dispatcher import Dispatcher
from bot.models import Contact
from bot.runtime import Services
from handlers.telegram.request import JsonRequest
from handlers.telegram.sender import TelegramSender
from tests.broadcast.helpers import add_staff, add_subscribers, announcement, start_announcement
from tests.telegram.fake_bot_api import FakeBotApi

PICTURE = "https://hoaan.example.gov.vn/anh/lich-tiep-dan.jpg"
LINK = "https://hoaan.example.gov.vn/tin/1"


async def _deliver(
    services: Services,
    fake: FakeBotApi,
    text: str,
    before: Callable[[FakeBotApi, str], None] | None = None,
) -> tuple[str, int]:
    """Three subscribers get an announcement with a link and a picture; (token, its id)."""
    token = f"{uuid.uuid4().int % 10**9 + 10**9}:AAphoto{uuid.uuid4().hex}"
    if before is not None:
        before(fake, token)
    for chat in add_subscribers(services, 3, channel="telegram", start=7400):
        fake.add_chat(token, int(chat))
    add_staff(services, "556", channel="telegram")
    fake.add_chat(token, 556)
    announcement_id = start_announcement(
        services, text, staff_user="556", staff_channel="telegram", link=LINK, image_url=PICTURE
    )
    async with Bot(token, base_url=fake.base_url, request=JsonRequest()) as api:
        sender = TelegramSender(api, rate_per_second=200.0)
        dispatcher = Dispatcher(services.sessions, {"telegram": sender}, jobs=[Expander()])
        deadline = time.monotonic() + 30
        while announcement(services, announcement_id).status != DONE:
            assert time.monotonic() < deadline, "the announcement did not finish"
            await dispatcher.run_once()
            await asyncio.sleep(0.05)
    return token, announcement_id


def _to_citizens(fake: FakeBotApi, token: str, method: str) -> list[dict[str, Any]]:
    return [
        c.params for c in fake.calls(token, method) if c.ok and int(c.params["chat_id"]) >= 7400
    ]


async def test_a_short_text_is_the_caption_of_the_photo(
    services: Services, fake_telegram: FakeBotApi
) -> None:
    text = "Lịch tiếp công dân tháng 12 & các ngày trực thứ Bảy."
    token, announcement_id = await _deliver(services, fake_telegram, text)
    photos = _to_citizens(fake_telegram, token, "sendPhoto")
    assert sorted(int(p["chat_id"]) for p in photos) == [7400, 7401, 7402]
    assert not _to_citizens(fake_telegram, token, "sendMessage")  # the photo is the message
    first = photos[0]
    assert first["photo"] == PICTURE
    assert first["caption"].startswith("Lịch tiếp công dân tháng 12 &amp; các ngày")
    assert f"Xem thêm: {LINK}" in first["caption"]
    assert PICTURE not in first["caption"]  # the picture is shown, not its address
    [[button]] = first["reply_markup"]["inline_keyboard"]
    assert button["callback_data"] == f"bcu:{announcement_id}"


@pytest.mark.parametrize(("size", "as_photo"), [(1024, True), (1025, False)])
async def test_the_caption_limit_is_1024_characters(
    services: Services, fake_telegram: FakeBotApi, size: int, as_photo: bool
) -> None:
    tail = f"\n\nXem thêm: {LINK}"  # the caption is the text and the link line
    text = ("Thủ tục & hồ sơ. " * 100)[: size - len(tail)].strip()
    text += "x" * (size - len(tail) - len(text))
    token, _ = await _deliver(services, fake_telegram, text)
    photos = _to_citizens(fake_telegram, token, "sendPhoto")
    messages = _to_citizens(fake_telegram, token, "sendMessage")
    assert (len(photos), len(messages)) == ((3, 0) if as_photo else (0, 3))
    refused = [c for c in fake_telegram.calls(token, "sendPhoto") if not c.ok]
    assert not refused  # never a caption Telegram would refuse


async def test_a_longer_text_goes_as_one_message_with_the_picture_above_it(
    services: Services, fake_telegram: FakeBotApi
) -> None:
    text = "Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia. " * 20
    token, _ = await _deliver(services, fake_telegram, text)
    assert not _to_citizens(fake_telegram, token, "sendPhoto")
    messages = _to_citizens(fake_telegram, token, "sendMessage")
    assert len(messages) == 3  # still one message each
    first = messages[0]
    assert f"Hình ảnh: {PICTURE}" in first["text"]
    preview = first["link_preview_options"]
    assert preview["url"] == PICTURE
    assert preview["show_above_text"] is True
    assert preview.get("is_disabled") is not True


async def test_a_picture_telegram_refuses_falls_back_to_the_text(
    services: Services, fake_telegram: FakeBotApi
) -> None:
    """A 400 on sendPhoto (Telegram could not fetch the address) is the picture's fault, not
    the citizen's: they get the text with the picture's link, and nobody is marked blocked."""

    def refuse_photos(fake: FakeBotApi, token: str) -> None:
        refused = "Bad Request: wrong type of the web page content"
        fake.fail_next(token, "sendPhoto", "400", count=3, description=refused)

    text = "Lịch tiếp công dân tháng 12."
    token, _ = await _deliver(services, fake_telegram, text, before=refuse_photos)
    assert len([c for c in fake_telegram.calls(token, "sendPhoto") if not c.ok]) == 3
    messages = _to_citizens(fake_telegram, token, "sendMessage")
    assert len(messages) == 3
    assert messages[0]["link_preview_options"]["url"] == PICTURE
    with services.sessions() as session:
        blocked = session.scalars(select(Contact).where(Contact.blocked.is_(True))).all()
        assert blocked == []
