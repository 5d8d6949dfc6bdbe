"""The /thongbao status card is edited in place as delivery goes on, over real HTTP against the
fake Bot API: the card goes out through the outbox, the sender reports its message_id, and the
`StatusCards` job edits that very message (no more than every 10 s of the injected clock)
until one final edit with the last figures and no buttons (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select

from bot.broadcast.cards import StatusCards
from bot.broadcast.expander import Expander
from bot.broadcast.models import Announcement, StatusCard
from bot.dispatcher import Dispatcher
from bot.models import utcnow
from tests.broadcast.helpers import add_subscribers
from tests.feedback.chat import add_staff
from tests.telegram.harness import BotUnderTest

STAFF_ID = 9_010
TEXT = "Từ 15/12 Bộ phận Một cửa nhận hồ sơ cả sáng thứ Bảy."
SUBSCRIBERS = 12


class Clock:
    """The dispatcher's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now


def _sent(text: str) -> int:
    found = re.search(r"đã gửi (\d+)/", text)
    assert found, text
    return int(found.group(1))


def _staff_calls(bot: BotUnderTest, method: str) -> list[dict[str, Any]]:
    return [
        c.params | {"result": c.result}
        for c in bot.calls(method)
        if c.ok and int(c.params["chat_id"]) == STAFF_ID
    ]


async def _compose_and_send(bot: BotUnderTest) -> None:
    add_staff(bot.services, str(STAFF_ID), "Chị Lan", channel="telegram")
    for chat in add_subscribers(bot.services, SUBSCRIBERS, channel="telegram", start=7_300):
        bot.fake.add_chat(bot.token, int(chat))
    lan = bot.citizen("Lan", STAFF_ID)
    await lan.says("/thongbao")
    await lan.says(TEXT)
    await lan.presses("✅ Gửi")
    assert "tự cập nhật" in _staff_calls(bot, "sendMessage")[-1]["text"]


async def test_the_card_is_edited_in_place_as_rows_are_sent(bot: BotUnderTest) -> None:
    await _compose_and_send(bot)
    clock = Clock()
    outbox = Dispatcher(
        bot.services.sessions,
        {"telegram": bot.channel.sender()},
        jobs=[Expander(batch=1, window=1), StatusCards()],  # one row a pass
        clock=clock,
    )
    passes = 0
    while passes < 40:
        await outbox.run_once()
        passes += 1
        clock.now += dt.timedelta(seconds=4)
        with bot.services.sessions() as session:
            if session.scalars(select(StatusCard.final)).one():
                break
    await outbox.run_once()  # the final edit goes out
    [card] = [m for m in _staff_calls(bot, "sendMessage") if "đã gửi 0/12" in m["text"]]
    card_id = card["result"]["message_id"]
    assert card["reply_markup"]["inline_keyboard"][0][0]["text"] == "🔄 Cập nhật"

    edits = _staff_calls(bot, "editMessageText")
    assert edits, "the card was never edited"
    assert {e["message_id"] for e in edits} == {card_id}  # the card itself, in place
    counts = [_sent(e["text"]) for e in edits]
    assert counts == sorted(counts)
    assert len(set(counts)) >= 3  # it moved as rows went out
    *running, last = edits
    assert all("(đang gửi)" in e["text"] and e.get("reply_markup") for e in running)
    assert f"(đã gửi xong): đã gửi {SUBSCRIBERS}/{SUBSCRIBERS}" in last["text"]
    assert not last.get("reply_markup")  # nothing left to follow or stop
    # At most one edit per 10 s of the clock (4 s a pass), plus the final one.
    assert len(edits) <= passes * 4 // 10 + 1
    with bot.services.sessions() as session:
        assert session.scalars(select(Announcement.status)).one() == "done"
    before = len(bot.calls("editMessageText"))
    for _ in range(3):  # a closed card is never edited again
        clock.now += dt.timedelta(seconds=11)
        await outbox.run_once()
    assert len(bot.calls("editMessageText")) == before


async def test_a_cancelled_announcement_gets_its_final_figures(bot: BotUnderTest) -> None:
    await _compose_and_send(bot)
    clock = Clock()
    outbox = Dispatcher(
        bot.services.sessions,
        {"telegram": bot.channel.sender()},
        jobs=[Expander(batch=3, window=3), StatusCards()],
        clock=clock,
    )
    await outbox.run_once()  # the card and the first rows
    lan = bot.citizen("Lan", STAFF_ID)
    await lan.presses("⛔ Dừng gửi")
    clock.now += dt.timedelta(seconds=1)  # the final edit does not wait the 10 s
    await outbox.run_once()
    await outbox.run_once()
    [last] = _staff_calls(bot, "editMessageText")[-1:]
    assert "(đã hủy)" in last["text"]
    assert _sent(last["text"]) < SUBSCRIBERS
    assert not last.get("reply_markup")
