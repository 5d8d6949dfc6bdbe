"""An announcement to one area over a fake Telegram that answers 429, 403, 502 and times out:
everyone in the area gets it exactly once, the blocked citizen is counted and stops counting,
and the 🔕 button under the message unsubscribes (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections import Counter

from sqlalchemy import select
from telegram import Bot

from bot.broadcast import subscribers
from bot.broadcast.expander import Expander
from bot.broadcast.models import DONE, SubscriptionEvent
from bot.broadcast.progress import progress
from bot.dispatcher import Dispatcher
from bot.messages import Inbound
from bot.models import Contact, utcnow
from bot.runtime import Services
from handlers.telegram.request import JsonRequest
from handlers.telegram.sender import TelegramSender
from tests.broadcast.helpers import add_staff, add_subscribers, announcement, start_announcement
from tests.telegram.fake_bot_api import FakeBotApi

TEXT = "Thôn Đông: ngày 20/12 cán bộ tư pháp về nhà văn hóa thôn hướng dẫn làm thủ tục."


def _token() -> str:
    return f"{uuid.uuid4().int % 10**9 + 10**9}:AAbroadcast{uuid.uuid4().hex}"


async def test_area_announcement_through_429_403_502_and_timeouts(
    services: Services, fake_telegram: FakeBotApi
) -> None:
    token = _token()
    area = add_subscribers(services, 30, channel="telegram", area="thon_dong", start=7000)
    add_subscribers(services, 10, channel="telegram", area="thon_tay", start=8000)
    for chat in area:
        if chat != "7003":  # 7003 blocked the bot: Telegram answers 403
            fake_telegram.add_chat(token, int(chat))
    add_staff(services, "555", channel="telegram")
    fake_telegram.add_chat(token, 555)  # the staff member, who gets the final summary
    announcement_id = start_announcement(
        services, TEXT, staff_user="555", staff_channel="telegram", areas=["thon_dong"]
    )
    fake_telegram.fail_next(token, "sendMessage", "429")
    fake_telegram.fail_next(token, "sendMessage", "502", count=2)
    fake_telegram.fail_next(token, "sendMessage", "timeout")

    request = JsonRequest(read_timeout=0.5, connection_pool_size=4)
    async with Bot(token, base_url=fake_telegram.base_url, request=request) as api:
        dispatcher = Dispatcher(
            services.sessions,
            {"telegram": TelegramSender(api, rate_per_second=200.0)},
            jobs=[Expander(batch=8, window=16)],
            backoff=dt.timedelta(seconds=0.2),
        )
        deadline = time.monotonic() + 30
        while announcement(services, announcement_id).status != DONE:
            assert time.monotonic() < deadline, "the announcement did not finish"
            await dispatcher.run_once()
            await asyncio.sleep(0.05)

    calls = fake_telegram.calls(token, "sendMessage")
    summary = [c for c in calls if c.ok and c.params["chat_id"] == 555]
    assert len(summary) == 1
    assert "đã gửi 29/30" in summary[0].params["text"]
    sent = [c for c in calls if c.ok and c.params["chat_id"] != 555]
    received = Counter(str(c.params["chat_id"]) for c in sent)
    assert set(received) == set(area) - {"7003"}  # Thôn Tây got nothing
    assert set(received.values()) == {1}  # nobody twice
    failed = Counter(c.status for c in fake_telegram.calls(token, "sendMessage") if not c.ok)
    assert failed == Counter({429: 1, 502: 2, 504: 1, 403: 1})
    first = sent[0].params
    assert TEXT in first["text"]
    [[button]] = first["reply_markup"]["inline_keyboard"]
    assert button["callback_data"] == f"bcu:{announcement_id}"
    assert fake_telegram.chat_bursts(token) == 0

    with services.sessions() as session:
        figures = progress(session, announcement(services, announcement_id), utcnow())
        assert (figures.sent, figures.blocked, figures.failed, figures.pending) == (29, 1, 0, 0)
        blocked = session.scalars(select(Contact).where(Contact.external_id == "7003")).one()
        assert blocked.blocked
        assert subscribers.audience_size(session, (), ["thon_dong"]) == 29

    # The citizen taps 🔕 under the message.
    [reply] = services.assistant.handle(
        Inbound("telegram", "7010", payload=button["callback_data"])
    )
    assert "đã ngừng nhận tin" in reply.text
    with services.sessions() as session:
        event = session.scalars(select(SubscriptionEvent)).one()
        assert (event.action, event.source, event.announcement_id) == (
            "unsubscribe",
            "button",
            announcement_id,
        )
        assert subscribers.audience_size(session, (), ["thon_dong"]) == 28
