"""Feedback end to end on Telegram: file, staff answer in the staff group, citizen notified,
rating, tracking — over real HTTP against the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.feedback import make_dispatcher
from bot.feedback.models import Ticket
from bot.runtime import build
from knowledge.matcher import Matcher
from tests.feedback.chat import add_staff
from tests.telegram import updates
from tests.telegram.conftest import STAFF_CHAT_ID, serve_bot
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.harness import BotUnderTest, Citizen

STAFF_ID = 9_001


@pytest.fixture
async def bot(
    settings: Settings, matcher: Matcher, fake_api: FakeBotApi
) -> AsyncIterator[BotUnderTest]:
    """The bot with a staff group configured (new tickets are posted there)."""
    services = build(settings.model_copy(update={"staff_chat_id": STAFF_CHAT_ID}), matcher)
    async with serve_bot(services, fake_api) as running:
        yield running
    services.engine.dispose()


def sent_to(bot: BotUnderTest, chat_id: int) -> list[dict[str, Any]]:
    """Messages the bot sent to `chat_id`, as Telegram returned them."""
    return [
        call.result
        for call in bot.calls("sendMessage")
        if call.ok and int(call.params["chat_id"]) == chat_id
    ]


async def file_on_telegram(citizen: Citizen) -> str:
    await citizen.says("/phananh")
    await citizen.presses("Hồ sơ trễ hẹn")
    await citizen.says("Tôi nộp hồ sơ khai sinh ngày 3/11, hẹn trả 10/11 nhưng chưa có kết quả.")
    await citizen.says("Bộ phận Một cửa xã")
    await citizen.presses("✅ Đồng ý để lại họ tên, số điện thoại")
    await citizen.says("Nguyễn Văn An, 0912 345 678")
    await citizen.presses("✅ Gửi phản ánh")
    last = sent_to(citizen.bot, citizen.chat_id)[-1]["text"]
    assert "Mã phản ánh: PA-" in last
    return str(last.split("Mã phản ánh: ")[1].split()[0])


async def test_file_answer_notify_rate_and_track(bot: BotUnderTest) -> None:
    add_staff(bot.services, str(STAFF_ID), "Chị Lan", channel="telegram")
    outbox = make_dispatcher(
        bot.services.sessions, bot.services.settings, {"telegram": bot.channel.sender()}
    )
    an = bot.citizen("An", 7_101)
    code = await file_on_telegram(an)

    assert await outbox.run_once() >= 1  # the new-ticket card goes to the staff group
    [card] = sent_to(bot, STAFF_CHAT_ID)
    assert code in card["text"]
    assert "0912 345 678" not in card["text"]  # the phone is masked for the group

    staff = Citizen(bot, updates.user(STAFF_ID, "Lan"), updates.group_chat(STAFF_CHAT_ID))
    await staff.presses("💬 Trả lời")
    prompt = sent_to(bot, STAFF_CHAT_ID)[-1]
    assert prompt["reply_markup"] == {"force_reply": True, "selective": True}
    answer = "Hồ sơ của Ông/Bà đã có kết quả, mời Ông/Bà nhận tại Bộ phận Một cửa."
    bot.transcript.user(f"(reply) {answer}")
    # Telegram quotes the original message without its reply markup
    quoted = {k: v for k, v in prompt.items() if k != "reply_markup"}
    await bot.push(updates.message(staff.person, staff.chat, answer, reply_to_message=quoted))

    assert await outbox.run_once() >= 1  # the answer (and the rating prompt) to the citizen
    told = [m["text"] for m in sent_to(bot, an.chat_id)]
    assert any(answer in text for text in told)
    await an.presses("5 ⭐")
    with bot.services.sessions() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.code == code)).one()
        assert ticket.status == "answered"
        assert ticket.rating == 5
        assert ticket.first_answered_at is not None

    await an.says(f"/tracuu {code}")
    assert answer in sent_to(bot, an.chat_id)[-1]["text"]
    stranger = bot.citizen("Bình", 7_102)
    await stranger.says(f"/tracuu {code}")
    reply = sent_to(bot, stranger.chat_id)[-1]["text"]
    assert answer not in reply
    assert "Nguyễn Văn An" not in reply


async def test_group_text_not_addressed_to_the_bot_is_ignored(bot: BotUnderTest) -> None:
    person = updates.user(7_103, "Cường")
    before = len(bot.calls("sendMessage"))
    await bot.push(updates.message(person, updates.group_chat(STAFF_CHAT_ID), "chào cả nhà"))
    assert len(bot.calls("sendMessage")) == before
