"""The chat API over real HTTP (uvicorn on loopback), on SQLite and PostgreSQL: answers with
and without diacritics, buttons, the durable inbox, history, a staff answer reaching the page
through the outbox, rating, and tracking."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from sqlalchemy import select

from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.gateway.inbox import DONE
from bot.models import InboxItem
from bot.runtime import Services
from handlers.webchat.respond import Waiters, WebAdapter
from tests.feedback.chat import Chat, add_staff
from tests.webchat.harness import WebchatUnderTest, ask, button, press, serve_webchat, texts

STAFF = "staff-lan"


async def test_a_question_with_and_without_diacritics_is_answered(
    webchat: WebchatUnderTest,
) -> None:
    async with webchat.browser() as browser:
        plain = await ask(browser, text="lam can cuoc o dau")
        marked = await ask(browser, text="làm căn cước ở đâu")
    assert "căn cước" in texts(plain).lower()
    assert texts(plain) == texts(marked)
    assert set(plain) >= {"replies", "message_id", "last", "pending"}
    assert plain["pending"] is False
    first = plain["replies"][0]
    assert set(first) >= {"text", "buttons"}
    assert all(set(b) >= {"label", "payload"} for b in first["buttons"])


async def test_the_message_is_in_the_inbox_before_the_answer(webchat: WebchatUnderTest) -> None:
    async with webchat.browser() as browser:
        answer = await ask(browser, text="khai sinh cần giấy tờ gì")
    assert answer["replies"]
    deadline = time.monotonic() + 10
    while True:  # the request is woken as soon as the replies are stored, then "done" follows
        with webchat.services.sessions() as session:
            rows = session.scalars(select(InboxItem).where(InboxItem.channel == "webchat")).all()
        assert len(rows) == 1
        if rows[0].state == DONE or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.02)
    assert rows[0].state == DONE
    assert rows[0].payload["text"] == "khai sinh cần giấy tờ gì"


async def test_a_suggestion_button_is_answered(webchat: WebchatUnderTest) -> None:
    async with webchat.browser() as browser:
        menu = await ask(browser, text="/start")
        group = await press(browser, menu, "Hộ tịch")
        assert button(group, "khai sinh")
        entry = await press(browser, group, "khai sinh")
    assert "Đăng ký khai sinh" in texts(entry)
    assert button(entry, "Hữu ích")


async def test_rating_an_answer(webchat: WebchatUnderTest) -> None:
    async with webchat.browser() as browser:
        entry = await ask(browser, text="đăng ký khai sinh cần gì")
        thanks = await press(browser, entry, "Hữu ích")
    assert thanks["replies"], thanks
    assert "cảm ơn" in texts(thanks).lower()


async def test_history_keeps_the_conversation_for_the_next_visit(
    webchat: WebchatUnderTest,
) -> None:
    async with webchat.browser() as browser:
        await ask(browser, text="/start")  # the page's own opening: not shown as said
        answer = await ask(browser, text="lệ phí chứng thực bản sao")
        everything = (await browser.get("/api/chat/history")).json()
        later = (await browser.get(f"/api/chat/history?after={answer['message_id']}")).json()
    roles = [m["role"] for m in everything["messages"]]
    assert roles[0] == "bot"  # the greeting
    assert roles.count("citizen") == 1
    assert everything["messages"][roles.index("citizen")]["text"] == "lệ phí chứng thực bản sao"
    assert [m["id"] for m in later["messages"]] == [r["id"] for r in answer["replies"]]
    assert everything["last"] == answer["last"]


async def test_history_without_a_session_is_empty_and_opens_none(
    webchat: WebchatUnderTest,
) -> None:
    async with webchat.browser() as browser:
        response = await browser.get("/api/chat/history")
    assert response.json() == {"messages": [], "last": 0}
    assert "set-cookie" not in response.headers


async def _until(browser: httpx.AsyncClient, fragment: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        for message in (await browser.get("/api/chat/history")).json()["messages"]:
            labels = " ".join(b["label"] for b in message["buttons"])
            if fragment in message["text"] or fragment in labels:
                return dict(message)
        assert time.monotonic() < deadline, f"{fragment!r} never reached the page"
        await asyncio.sleep(0.1)


async def file_feedback(browser: httpx.AsyncClient) -> str:
    """File a complaint through the buttons; the tracking code."""
    start = await ask(browser, text="/phananh")
    step = await press(browser, start, "Hồ sơ trễ hẹn")
    step = await ask(
        browser, text="Tôi nộp hồ sơ khai sinh ngày 3/11, hẹn trả 10/11 nhưng chưa có."
    )
    step = await ask(browser, text="Bộ phận Một cửa xã")
    step = await press(browser, step, "Đồng ý")
    step = await ask(browser, text="Nguyễn Văn An, 0912 345 678")
    done = await press(browser, step, "Gửi phản ánh")
    assert "Mã phản ánh: PA-" in texts(done), texts(done)
    return texts(done).split("Mã phản ánh: ")[1].split()[0]


async def test_feedback_staff_answer_reaches_the_page_rating_and_tracking(
    webchat: WebchatUnderTest,
) -> None:
    services = webchat.services
    add_staff(services, STAFF, "Chị Lan")
    staff = Chat(services, STAFF)
    async with webchat.browser() as browser:
        code = await file_feedback(browser)
        answer = "Hồ sơ của Ông/Bà đã có kết quả, mời Ông/Bà nhận tại Bộ phận Một cửa."
        staff.type(f"/traloi {code} {answer}")  # the staff operation (tickets.act)
        told = await _until(browser, answer)
        assert told["role"] == "bot"
        prompt = await _until(browser, "⭐")
        rated = await ask(browser, button=button({"replies": [prompt]}, "5 ⭐")["payload"])
        assert rated["replies"]
        tracked = await ask(browser, text=f"/tracuu {code}")
        assert answer in texts(tracked)
    async with webchat.browser() as other:  # another browser: not its ticket
        elsewhere = await ask(other, text=f"/tracuu {code}")
    assert answer not in texts(elsewhere)


async def test_tracking_from_another_browser_needs_the_passcode_or_the_phone(
    webchat: WebchatUnderTest,
) -> None:
    async with webchat.browser() as filer:
        start = await ask(filer, text="/phananh")
        step = await press(filer, start, "Thái độ")
        step = await ask(filer, text="Cán bộ tiếp dân nói chuyện thiếu lịch sự với tôi hôm qua.")
        step = await ask(filer, text="Bộ phận Một cửa xã")
        step = await press(filer, step, "Đồng ý")
        step = await ask(filer, text="Trần Thị Bình, 0987 654 321")
        done = texts(await press(filer, step, "Gửi phản ánh"))
    code = done.split("Mã phản ánh: ")[1].split()[0]
    secret = done.split("Mã bảo mật: ")[1].split(".")[0]
    assert len(secret) == 9
    async with webchat.browser() as phone:  # another device: a new session
        for attempt in (
            f"/tracuu {code}",
            f"/tracuu {code} ABCD-EFGH",
            f"/tracuu {code} 0987654320",
        ):
            refused = texts(await ask(phone, text=attempt))
            assert "Không tìm thấy" in refused
            assert "Thái độ" not in refused
        shown = texts(await ask(phone, text=f"/tracuu {code} {secret.lower().replace('-', '')}"))
        by_phone = texts(await ask(phone, text=f"/tracuu {code} 0987 654 321"))
    assert code in shown
    assert "Không tìm thấy" not in shown
    assert code in by_phone
    assert "Không tìm thấy" not in by_phone


async def test_an_answer_given_by_another_process_front_door_reaches_the_request(
    services: Services,
) -> None:
    """The request's own front door does not run: another one (its own waiters, as in another
    process) handles the message; the request finds the finished row in the database."""
    async with serve_webchat(services, own_workers=False) as web:
        elsewhere = Gateway(web.services, MemoryFloodGate(50, 10))
        elsewhere.register(WebAdapter(web.services.engine, Waiters()))
        other = asyncio.create_task(elsewhere.run_forever())
        try:
            async with web.browser() as browser:
                answer = await ask(browser, text="lệ phí đăng ký khai sinh")
        finally:
            other.cancel()
            await asyncio.gather(other, return_exceptions=True)
            elsewhere.stop()
    assert answer["replies"]
    assert answer["pending"] is False
    assert "khai sinh" in texts(answer).lower()


async def test_a_slow_answer_is_pending_then_reaches_the_page_by_polling(
    services: Services,
) -> None:
    async with (
        serve_webchat(services, own_workers=False, webchat_wait_seconds=0.3) as web,
        web.browser() as browser,
    ):
        response = await browser.post("/api/chat", json={"text": "giờ làm việc"})
        assert response.status_code == 202
        assert response.json()["pending"] is True
        assert response.json()["replies"] == []
        elsewhere = Gateway(web.services, MemoryFloodGate(50, 10))  # the workers catch up
        elsewhere.register(WebAdapter(web.services.engine, Waiters()))
        other = asyncio.create_task(elsewhere.run_forever())
        try:
            found = await _until(browser, "Bộ phận Một cửa")
        finally:
            other.cancel()
            await asyncio.gather(other, return_exceptions=True)
            elsewhere.stop()
    assert found["role"] == "bot"
