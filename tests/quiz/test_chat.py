"""A contest in the chat through the core (console channel): start, answer, score with the
explanations, prediction; the time limit with an injected clock; the attempts limit; a restart
and a second worker mid-attempt (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bot import clock
from bot.clock import FrozenClock
from bot.messages import Inbound
from bot.quiz.models import DONE, PREDICTING
from bot.runtime import Services, build
from tests.feedback.chat import Chat
from tests.quiz.helpers import DURING, answer_buttons, attempts_of, contest, pick


@pytest.fixture
def now() -> Iterator[FrozenClock]:
    with clock.use(FrozenClock(DURING)) as frozen:
        yield frozen


def press(chat: Chat, right: bool) -> str:
    button = pick(chat.services, chat.buttons, right)
    return chat.press(button.label)


def test_whole_attempt_score_explanations_and_prediction(
    services: Services, now: FrozenClock
) -> None:
    chat = Chat(services, "an")
    shown = chat.type("/thi")
    assert "Tìm hiểu cải cách hành chính" in shown
    assert "Mỗi lượt 10 câu, làm trong 15 phút" in shown
    assert "Ông/Bà ở thôn (khu dân cư) nào?" in shown
    shown = chat.press("Thôn 2 (ví dụ)")
    assert shown.startswith("Câu 1/10 (còn 15 phút 00 giây):")
    for n in range(10):
        now.advance(dt.timedelta(seconds=30))
        shown = press(chat, right=n != 3)  # one wrong answer
    assert "bao nhiêu người tham gia" in shown
    shown = chat.type("khoảng 1.200 người")
    assert "Đã ghi nhận dự đoán của Ông/Bà: 1200 người." in shown
    assert "Kết quả lượt 1: 9/10 câu đúng, thời gian 5 phút 00 giây." in shown
    assert shown.count("Đáp án đúng:") == 10
    assert shown.count("❌") == 1
    assert shown.count("✅") == 9
    assert "(Nguồn: " in shown
    assert "Ông/Bà còn 1 lượt thi." in shown
    [attempt] = attempts_of(services)
    assert (attempt.status, attempt.correct, attempt.area) == (DONE, 9, "Thôn 2 (ví dụ)")
    assert attempt.prediction == 1200
    assert attempt.seconds == 300


def test_a_button_pressed_twice_counts_once(services: Services, now: FrozenClock) -> None:
    chat = Chat(services, "binh")
    chat.type("/thi")
    chat.press("Bỏ qua")
    first = pick(services, chat.buttons, right=True)
    chat.press(first.label)
    again = services.assistant.handle(chat_inbound(chat, first.payload))
    assert "Câu đó đã được trả lời" in again[0].text
    assert "Câu 2/10" in again[0].text
    assert len(attempts_of(services)[0].answers) == 1


def chat_inbound(chat: Chat, payload: str) -> Inbound:
    return Inbound(channel=chat.channel, user_id=chat.user, payload=payload)


def test_a_late_answer_is_not_counted(services: Services, now: FrozenClock) -> None:
    chat = Chat(services, "cuong")
    chat.type("/thi")
    chat.press("Bỏ qua")
    press(chat, right=True)
    press(chat, right=True)
    now.advance(contest(services).time_limit + dt.timedelta(seconds=1))
    shown = press(chat, right=True)
    assert "Đã hết 15 phút làm bài; câu trả lời vừa gửi không được tính." in shown
    [attempt] = attempts_of(services)
    assert attempt.correct == 2
    assert len(attempt.answers) == 2
    assert attempt.status == PREDICTING
    assert attempt.seconds == contest(services).time_limit.total_seconds()
    shown = chat.press("Bỏ qua")  # no prediction
    assert "Kết quả lượt 1: 2/10 câu đúng, thời gian 15 phút 00 giây." in shown
    assert shown.count("⏭️") == 8  # the unanswered questions are shown with their answers


def test_coming_back_after_the_time_ran_out_shows_the_result(
    services: Services, now: FrozenClock
) -> None:
    chat = Chat(services, "duong")
    chat.type("/thi")
    chat.press("Bỏ qua")
    press(chat, right=True)
    now.advance(dt.timedelta(hours=2))
    shown = chat.type("/thi")
    assert "Lượt thi trước của Ông/Bà đã hết 15 phút làm bài" in shown
    assert "bao nhiêu người tham gia" in shown
    shown = chat.press("Bỏ qua")
    assert "Kết quả lượt 1: 1/10 câu đúng, thời gian 15 phút 00 giây." in shown
    assert "Ông/Bà còn 1 lượt thi." in shown


def test_an_answer_just_in_time_counts(services: Services, now: FrozenClock) -> None:
    chat = Chat(services, "dung")
    chat.type("/thi")
    chat.press("Bỏ qua")
    now.advance(contest(services).time_limit)
    shown = press(chat, right=True)
    assert shown.startswith("Câu 2/10 (còn 0 giây)")
    assert attempts_of(services)[0].correct == 1


def play_through(chat: Chat, now: FrozenClock) -> str:
    for _ in range(contest(chat.services).per_attempt):
        now.advance(dt.timedelta(seconds=5))
        press(chat, right=True)
    return chat.press("Bỏ qua")


def test_no_more_attempts_than_allowed(services: Services, now: FrozenClock) -> None:
    chat = Chat(services, "em")
    chat.type("/thi")
    chat.press("Bỏ qua")
    assert "Ông/Bà còn 1 lượt thi." in play_through(chat, now)
    chat.press("Thi lượt mới")
    chat.press("Bỏ qua")
    shown = play_through(chat, now)
    assert "Kết quả lượt 2" in shown
    assert "Ông/Bà đã dùng hết lượt thi." in shown
    shown = chat.type("/thi")
    assert "Ông/Bà đã thi đủ 2 lượt của cuộc thi này." in shown
    assert not any(b.payload.startswith("thi:go:") for b in chat.buttons)
    # An old "start" button pressed again is refused by the same count
    forged = services.assistant.handle(chat_inbound(chat, "thi:go:tim_hieu_cchc:-"))
    assert "Ông/Bà đã thi đủ 2 lượt" in forged[0].text
    assert len(attempts_of(services)) == 2


def test_a_restart_or_another_worker_carries_the_attempt_on(
    services: Services, now: FrozenClock
) -> None:
    chat = Chat(services, "giang")
    chat.type("/thi")
    chat.press("Bỏ qua")
    press(chat, right=True)
    question = answer_buttons(chat.buttons)
    # The process restarts: a new application on the same database, nothing kept in memory.
    restarted = build(services.settings, services.matcher)
    try:
        chat.services = restarted
        shown = press(chat, right=True)  # the button shown before the restart still works
        assert shown.startswith("Câu 3/10")
        assert question != answer_buttons(chat.buttons)
        shown = chat.type("/thi")
        assert "▶️ Làm tiếp" in [b.label for b in chat.buttons]
        shown = chat.press("Làm tiếp")
        assert "Ông/Bà đang có một lượt thi chưa xong." in shown
        assert "Câu 3/10" in shown
    finally:
        restarted.engine.dispose()
    [attempt] = attempts_of(services)
    assert attempt.correct == 2


def test_closed_contest(services: Services, now: FrozenClock) -> None:
    now.at = contest(services).closes
    chat = Chat(services, "ha")
    assert "Hiện chưa có cuộc thi nào đang mở." in chat.type("/thi")
    shown = services.assistant.handle(chat_inbound(chat, "thi:open:tim_hieu_cchc"))[0].text
    assert "hiện không mở" in shown
    chat.type("/menu")
    assert "Hiện chưa có cuộc thi nào đang mở." in chat.press("🏆 Cuộc thi tìm hiểu CCHC")


def test_the_main_menu_offers_an_open_contest(services: Services, now: FrozenClock) -> None:
    chat = Chat(services, "khanh")
    chat.type("/menu")
    assert "Tìm hiểu cải cách hành chính" in chat.press("🏆 Cuộc thi tìm hiểu CCHC")


def test_in_a_group_the_contest_is_offered_in_private(
    services: Services, now: FrozenClock
) -> None:
    asked = Inbound(channel="telegram", user_id="7", command="thi", group="-100123")
    [reply] = services.assistant.handle(asked)
    assert "Cuộc thi được làm trong tin nhắn riêng" in reply.text
    start = "thi:go:tim_hieu_cchc:-"
    pressed = Inbound(channel="telegram", user_id="7", payload=start, group="-1")
    assert "tin nhắn riêng" in services.assistant.handle(pressed)[0].text
    assert attempts_of(services) == []
