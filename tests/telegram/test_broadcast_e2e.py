"""An announcement end to end on Telegram, over real HTTP against the fake Bot API: citizens
subscribe and pick an area with buttons, a staff member composes with /thongbao in a private
chat, sees the preview, picks the area and sends; only that area receives it, once, and a
citizen unsubscribes from the message itself (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.broadcast.models import Announcement
from bot.feedback import make_dispatcher
from bot.models import Contact
from tests.feedback.chat import add_staff
from tests.telegram.harness import BotUnderTest

STAFF_ID = 9_002
TEXT = "Thôn Đông: sáng 20/12 cán bộ tư pháp về nhà văn hóa thôn hướng dẫn làm thủ tục."


def sent_to(bot: BotUnderTest, chat_id: int) -> list[dict[str, Any]]:
    return [
        call.result
        for call in bot.calls("sendMessage", "editMessageText")
        if call.ok and int(call.params["chat_id"]) == chat_id
    ]


async def test_staff_sends_to_an_area_and_a_citizen_unsubscribes_from_it(
    bot: BotUnderTest,
) -> None:
    add_staff(bot.services, str(STAFF_ID), "Chị Lan", channel="telegram")
    an, binh = bot.citizen("An", 7_201), bot.citizen("Bình", 7_202)
    await an.says("/dangky")
    await an.presses("Chọn khu vực")
    await an.presses("Thôn Đông (ví dụ)")
    assert "Khu vực: Thôn Đông (ví dụ)" in sent_to(bot, an.chat_id)[-1]["text"]
    await binh.says("đăng ký nhận tin")

    lan = bot.citizen("Lan", STAFF_ID)
    await lan.says("/thongbao")
    await lan.says(TEXT)
    preview, card = sent_to(bot, lan.chat_id)[-2:]
    assert preview["text"].startswith("Xem trước:")
    assert "tất cả người đăng ký — 2 người" in card["text"]
    await lan.presses("Khu vực")
    await lan.presses("Thôn Đông (ví dụ)")
    await lan.presses("Xong")
    assert "khu vực Thôn Đông (ví dụ) — 1 người" in sent_to(bot, lan.chat_id)[-1]["text"]
    await lan.presses("✅ Gửi")
    assert "đang được gửi" in sent_to(bot, lan.chat_id)[-1]["text"]

    outbox = make_dispatcher(
        bot.services.sessions, bot.services.settings, {"telegram": bot.channel.sender()}
    )
    for _ in range(3):
        await outbox.run_once()
    got = [m for m in sent_to(bot, an.chat_id) if TEXT in m["text"]]
    assert len(got) == 1
    assert not [m for m in sent_to(bot, binh.chat_id) if TEXT in m["text"]]
    with bot.services.sessions() as session:
        assert session.scalars(select(Announcement.status)).one() == "done"
    assert "đã gửi xong" in sent_to(bot, lan.chat_id)[-1]["text"]  # the final summary

    await lan.presses("🔄 Cập nhật")  # the status card is redrawn in place
    assert "đã gửi 1/1" in sent_to(bot, lan.chat_id)[-1]["text"]
    assert bot.calls("editMessageText")

    await an.presses("🔕 Ngừng nhận tin")
    assert "đã ngừng nhận tin" in sent_to(bot, an.chat_id)[-1]["text"]
    with bot.services.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.external_id == "7201")).one()
        assert not contact.subscribed
