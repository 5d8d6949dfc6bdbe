"""Group chats never show personal data or ticket contents; the staff group works as before.

Over real HTTP: the whole server on loopback, Telegram played by the fake Bot API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.runtime import build
from knowledge.matcher import Matcher
from tests.feedback.chat import Chat, add_staff
from tests.telegram import updates
from tests.telegram.conftest import STAFF_CHAT_ID, serve_bot
from tests.telegram.fake_bot_api import BOT_USERNAME, FakeBotApi
from tests.telegram.harness import BotUnderTest, Citizen

NAME, PHONE = "Nguyễn Văn An", "0912 345 678"
ANSWER = "Hồ sơ của Ông/Bà đã có kết quả tại Bộ phận Một cửa."
PRIVATE_ONLY = "chỉ được trao đổi trong tin nhắn riêng"
NEIGHBOURS = updates.group_chat(-100_424_242, "Tổ dân phố 5")


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot(
    settings: Settings, matcher: Matcher, fake_api: FakeBotApi
) -> AsyncIterator[BotUnderTest]:
    services = build(settings.model_copy(update={"staff_chat_id": STAFF_CHAT_ID}), matcher)
    async with serve_bot(services, fake_api) as running:
        yield running
    services.engine.dispose()


def said_in(bot: BotUnderTest, chat_id: int) -> list[str]:
    return [
        str(c.params["text"])
        for c in bot.calls("sendMessage", "editMessageText")
        if int(c.params["chat_id"]) == chat_id
    ]


def nothing_personal(bot: BotUnderTest, code: str = "") -> list[str]:
    """What the bot said in the neighbours' group, checked for anything personal."""
    said = said_in(bot, NEIGHBOURS["id"])
    for text in said:
        for secret in (NAME, PHONE, "0912", ANSWER, "Tôi nộp hồ sơ", *([code] if code else [])):
            assert secret not in text, text
    return said


async def start_filing(citizen: Citizen) -> None:
    await citizen.says("/phananh")
    await citizen.presses("Hồ sơ trễ hẹn")
    await citizen.says("Tôi nộp hồ sơ khai sinh ngày 3/11, hẹn trả 10/11 nhưng chưa có kết quả.")
    await citizen.says("Bộ phận Một cửa xã")
    await citizen.presses("✅ Đồng ý để lại họ tên, số điện thoại")


async def file_answered_ticket(bot: BotUnderTest, citizen: Citizen) -> str:
    await start_filing(citizen)
    await citizen.says(f"{NAME}, {PHONE}")
    await citizen.presses("✅ Gửi phản ánh")
    last = said_in(bot, citizen.chat_id)[-1]
    code = last.split("Mã phản ánh: ")[1].split()[0]
    add_staff(bot.services, "lan", "Chị Lan")  # answers from the console channel
    Chat(bot.services, "lan").type(f"/traloi {code} {ANSWER}")
    return code


def in_group(citizen: Citizen) -> Citizen:
    return Citizen(citizen.bot, citizen.person, NEIGHBOURS)


async def test_tracking_in_a_group_asks_for_a_private_chat(bot: BotUnderTest) -> None:
    an = bot.citizen("An", 7_301)
    code = await file_answered_ticket(bot, an)
    await in_group(an).says(f"/tracuu {code}")
    await in_group(an).says(f"@{BOT_USERNAME} mã của tôi là {code}")
    said = nothing_personal(bot)
    assert len(said) == 2
    assert all(PRIVATE_ONLY in text for text in said)
    await an.says(f"/tracuu {code}")  # in private the answer is shown as before
    assert ANSWER in said_in(bot, an.chat_id)[-1]


async def test_filing_in_a_group_never_starts_nor_shows_the_summary(bot: BotUnderTest) -> None:
    an = bot.citizen("An", 7_302)
    await in_group(an).says("/phananh")
    await start_filing(an)  # a draft in private, waiting for the name and phone
    # The citizen answers the bot's message in the group (addressed to the bot, as Telegram
    # shows it: the quoted message without its buttons).
    [quoted] = [
        {k: v for k, v in c.result.items() if k != "reply_markup"}
        for c in bot.calls("sendMessage")
        if int(c.params["chat_id"]) == NEIGHBOURS["id"]
    ]
    group = in_group(an)
    bot.transcript.user(f"(reply in group) {NAME}, {PHONE}")
    message: dict[str, Any] = updates.message(
        an.person, NEIGHBOURS, f"{NAME}, {PHONE}", reply_to_message=quoted
    )
    await bot.push(message)
    await group.says("/huy")
    said = nothing_personal(bot)
    assert len(said) == 3
    assert all(PRIVATE_ONLY in text for text in said)
    await an.says(f"{NAME}, {PHONE}")  # the draft is untouched and goes on in private
    assert PHONE in said_in(bot, an.chat_id)[-1]


async def test_staff_commands_work_in_the_staff_group_only(bot: BotUnderTest) -> None:
    an = bot.citizen("An", 7_303)
    code = await file_answered_ticket(bot, an)
    add_staff(bot.services, "9002", "Anh Minh", channel="telegram")
    minh = Citizen(bot, updates.user(9_002, "Minh"), NEIGHBOURS)
    await minh.says(f"/xem {code}")
    assert all(PRIVATE_ONLY in text for text in nothing_personal(bot, code))
    in_staff_group = Citizen(bot, minh.person, updates.group_chat(STAFF_CHAT_ID))
    await in_staff_group.says(f"/xem {code}")
    assert any(PHONE in text for text in said_in(bot, STAFF_CHAT_ID))  # as today
