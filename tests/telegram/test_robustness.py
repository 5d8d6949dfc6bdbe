"""Bad input and platform errors over real HTTP: flood, 429, 403, 400, 5xx, duplicates, crashes."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select, text

from bot.models import Contact, InboxItem
from bot.runtime import Services
from tests.telegram import updates
from tests.telegram.conftest import STAFF_CHAT_ID, serve_bot
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.harness import BotUnderTest


def contact(services: Services, user_id: int) -> Contact:
    with services.sessions() as session:
        return session.scalars(select(Contact).where(Contact.external_id == str(user_id))).one()


async def test_a_flood_gets_one_please_wait(services: Services, fake_api: FakeBotApi) -> None:
    async with serve_bot(services, fake_api, flood_messages=3) as bot:
        an = bot.citizen("An")
        await an.says_quickly("/help", "/help", "/help", "/help", "/help", "/help")
        bot.transcript.expect(
            """
            user: /help
            user: /help
            user: /help
            user: /help
            user: /help
            user: /help
            bot: Cách dùng: *
            bot: Cách dùng: *
            bot: Cách dùng: *
            bot: Ông/Bà gửi tin hơi nhanh, vui lòng đợi vài giây rồi gửi tiếp.
            """
        )
        assert bot.gateway.progress.flooded == 3
        # Someone else is not slowed down by An's flood.
        binh = bot.citizen("Bình", user_id=7_003)
        await binh.says("/help")
        assert bot.transcript.lines[-1].startswith("bot: Cách dùng:")


async def test_429_waits_retry_after_then_delivers(bot: BotUnderTest) -> None:
    bot.fake.fail_next(bot.token, "sendMessage", "429")
    an = bot.citizen("An")
    await an.says("/help")
    bot.transcript.expect(
        """
        user: /help
        telegram: 429 on sendMessage
        bot: Cách dùng: *
        """
    )
    refused, delivered = bot.calls("sendMessage")
    assert delivered.at - refused.at >= 0.95  # waited retry_after (1 s) before trying again


async def test_5xx_is_retried_with_backoff(bot: BotUnderTest) -> None:
    bot.fake.fail_next(bot.token, "sendMessage", "502", count=2)
    an = bot.citizen("An")
    await an.says("/help")
    bot.transcript.expect(
        """
        user: /help
        telegram: 502 on sendMessage
        telegram: 502 on sendMessage
        bot: Cách dùng: *
        """
    )


async def test_403_marks_the_contact_blocked_and_unblock_clears_it(bot: BotUnderTest) -> None:
    an = bot.citizen("An")
    await an.says("/start")
    bot.fake.fail_next(bot.token, "sendMessage", "403")
    await an.says("/help")
    assert bot.transcript.lines[-1] == "telegram: 403 on sendMessage"
    assert len(bot.calls("sendMessage")) == 2  # a 403 is final: no retry
    assert contact(bot.services, 7_001).blocked
    await an.sends("unblocks the bot", updates.blocked(an.person, now_blocked=False))
    assert not contact(bot.services, 7_001).blocked
    await an.sends("blocks the bot", updates.blocked(an.person, now_blocked=True))
    assert contact(bot.services, 7_001).blocked


async def test_400_is_logged_and_skipped(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    an = bot.citizen("An")
    bot.fake.fail_next(bot.token, "sendMessage", "400", description="Bad Request: can't parse")
    await an.says("/help")
    await an.says("/help")
    bot.transcript.expect(
        """
        user: /help
        telegram: 400 on sendMessage
        user: /help
        bot: Cách dùng: *
        """
    )
    assert "(400: Can't parse)" in caplog.text


async def test_a_menu_that_cannot_be_edited_is_sent_again(bot: BotUnderTest) -> None:
    an = bot.citizen("An")
    await an.says("/menu")
    bot.fake.fail_next(
        bot.token, "editMessageText", "400", description="Bad Request: message can't be edited"
    )
    await an.presses("Cư trú")
    bot.transcript.expect(
        """
        user: /menu
        bot: Ông/Bà muốn tìm hiểu về lĩnh vực nào? *
        user: [Cư trú]
        telegram: 400 on editMessageText
        bot: Chọn nội dung trong mục “Cư trú”: *
        """
    )


async def test_a_repeated_update_is_processed_once(bot: BotUnderTest) -> None:
    an = bot.citizen("An")
    update = updates.message(an.person, text="lam can cuoc o dau")
    bot.transcript.user("lam can cuoc o dau  (delivered twice: a webhook retry)")
    await bot.push(update, update)
    bot.transcript.expect(
        """
        user: lam can cuoc o dau  (delivered twice: a webhook retry)
        bot: 📌 * căn cước *
        """
    )
    assert bot.gateway.progress.duplicates == 1
    await bot.eventually(lambda: len(bot.fake.deliveries(bot.token)) == 2)
    assert [d.status for d in bot.fake.deliveries(bot.token)] == [200, 200]
    with bot.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InboxItem)) == 1


async def test_an_unhandled_error_apologises_and_tells_staff_without_leaking(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="handlers")
    with bot.services.engine.begin() as connection:  # break the database under the core
        connection.execute(text("ALTER TABLE message_log RENAME TO message_log_gone"))
    an = bot.citizen("An")
    phone = "0912345678"
    await an.says(f"số của tôi là {phone}, cccd 001099012345, làm căn cước ở đâu")
    await bot.eventually(
        lambda: any(int(c.params["chat_id"]) == STAFF_CHAT_ID for c in bot.calls("sendMessage"))
    )
    sent = {int(c.params["chat_id"]): c.params["text"] for c in bot.calls("sendMessage")}
    assert sent[7_001].startswith("Xin lỗi Ông/Bà, hệ thống đang gặp sự cố")
    assert sent[STAFF_CHAT_ID].startswith("⚠️ cchc-bot: lỗi ")
    assert "…01" in sent[STAFF_CHAT_ID]  # the chat id, masked
    assert "unhandled" in caplog.text
    for secret in (phone, "001099012345", "7001", bot.token, "số của tôi"):
        assert secret not in caplog.text
        assert secret not in sent[STAFF_CHAT_ID]
