"""Follow-ups: a subject-less aspect question right after an answer refers to that answer's topic,
says which topic it took, and stops doing so once the topic is old."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from bot import clock
from bot.clock import FrozenClock
from bot.config import Settings
from bot.followup import RecentTopic, has_subject
from bot.models import DialogueState, MessageLog, UnansweredQuestion
from bot.runtime import Services, build
from bot.texts import TEXTS
from knowledge.matcher import Matcher
from tests.feedback.chat import Chat

TOPIC_VI = "↪️ Về thủ tục Đăng ký khai sinh:"
TOPIC_EN = "↪️ About Birth registration:"
WHICH_VI = "của thủ tục nào ạ?"  # an aspect with no topic: the bot asks which procedure
AT = dt.datetime(2027, 2, 8, 9, 0, tzinfo=dt.UTC)  # a Monday morning in the week of Tết


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    with clock.use(FrozenClock(AT)) as frozen_clock:
        yield frozen_clock


def test_fee_follow_up_takes_the_topic_just_answered(services: Services) -> None:
    chat = Chat(services, "f1")
    chat.play(
        """
        > Đăng ký khai sinh
        < 📌 Đăng ký khai sinh
        > Tốn phí bao nhiêu?
        < ↪️ Về thủ tục Đăng ký khai sinh:
        < 💰 Phí, lệ phí: Miễn lệ phí
        < Nếu Ông/Bà muốn hỏi về thủ tục khác
        """
    )
    assert chat.last.startswith(TOPIC_VI)
    with services.sessions() as session:
        logged = session.scalars(select(MessageLog).order_by(MessageLog.id)).all()
        assert [(m.text, m.intent, m.band) for m in logged][-1] == (
            "Tốn phí bao nhiêu?",
            "khai_sinh",
            "answer",
        )
        assert session.scalars(select(UnansweredQuestion)).all() == []


def test_where_and_online_follow_ups_chain_on_the_same_topic(services: Services) -> None:
    Chat(services, "f2").play(
        """
        > lệ phí làm căn cước bao nhiêu
        < 📌 Cấp, cấp đổi, cấp lại thẻ căn cước
        > làm ở đâu?
        < ↪️ Về thủ tục Cấp, cấp đổi, cấp lại thẻ căn cước:
        < 📍 Nơi nộp:
        > online được không?
        < ↪️ Về thủ tục Cấp, cấp đổi, cấp lại thẻ căn cước:
        < 🌐 Nộp trực tuyến:
        > cần giấy tờ gì?
        < 📄 Hồ sơ cần chuẩn bị:
        """
    )


def test_english_follow_up(services: Services) -> None:
    chat = Chat(services, "f3")
    chat.play(
        """
        > how do I register my baby's birth
        < 📌 Birth registration
        > how much is it?
        < ↪️ About Birth registration:
        < 💰 Fee: No fee.
        < If you meant another procedure
        """
    )
    assert chat.last.startswith(TOPIC_EN)


def test_follow_up_without_a_recent_topic_is_matched_as_usual(services: Services) -> None:
    chat = Chat(services, "f4")
    answer = chat.type("Tốn phí bao nhiêu?")
    assert WHICH_VI in answer
    assert "↪️" not in answer


def test_topic_expires_after_thirty_minutes(services: Services, frozen: FrozenClock) -> None:
    chat = Chat(services, "f5")
    chat.type("đăng ký khai sinh")
    frozen.advance(dt.timedelta(minutes=29))
    assert chat.type("Tốn phí bao nhiêu?").startswith(TOPIC_VI)
    frozen.advance(dt.timedelta(minutes=29))  # the follow-up itself renewed the topic
    assert chat.type("làm ở đâu?").startswith(TOPIC_VI)
    frozen.advance(dt.timedelta(minutes=31))
    late = chat.type("Tốn phí bao nhiêu?")
    assert "↪️" not in late
    assert WHICH_VI in late


def test_expiry_follows_the_setting(
    settings: Settings, matcher: Matcher, frozen: FrozenClock
) -> None:
    built = build(settings.model_copy(update={"followup_minutes": 5}), matcher)
    chat = Chat(built, "f6")
    chat.type("đăng ký khai sinh")
    frozen.advance(dt.timedelta(minutes=4))
    assert chat.type("mất bao lâu?").startswith(TOPIC_VI)
    frozen.advance(dt.timedelta(minutes=6))
    assert "↪️" not in chat.type("mất bao lâu?")
    built.engine.dispose()


def test_question_with_its_own_subject_is_matched_normally(services: Services) -> None:
    chat = Chat(services, "f7")
    chat.type("đăng ký khai sinh")
    answer = chat.type("lệ phí đăng ký kết hôn bao nhiêu")
    assert answer.startswith("📌 Đăng ký kết hôn")
    assert "↪️" not in answer
    then = chat.type("làm ở đâu?")  # the new topic is now the recent one
    assert then.startswith("↪️ Về thủ tục Đăng ký kết hôn:")


def test_unknown_subject_is_never_taken_as_a_follow_up(services: Services) -> None:
    chat = Chat(services, "f8")
    chat.type("đăng ký khai sinh")
    answer = chat.type("lệ phí nghĩa vụ quân sự bao nhiêu")
    assert "Đăng ký khai sinh" not in answer
    assert "↪️" not in answer


def test_topic_picked_from_the_menu_counts(services: Services) -> None:
    Chat(services, "f9").play(
        """
        > /menu
        > [Cư trú]
        > [Đăng ký tạm trú]
        < 📌 Đăng ký tạm trú
        > mất bao lâu?
        < ↪️ Về thủ tục Đăng ký tạm trú, gia hạn tạm trú:
        < ⏱ Thời hạn giải quyết:
        """
    )


def test_topics_are_per_person(services: Services) -> None:
    Chat(services, "alice").type("đăng ký khai sinh")
    assert "↪️" not in Chat(services, "bob").type("Tốn phí bao nhiêu?")


def test_topic_survives_a_restart(settings: Settings, matcher: Matcher) -> None:
    first = build(settings, matcher)
    Chat(first, "f10").type("đăng ký khai sinh")
    first.engine.dispose()
    second = build(settings, matcher)  # another process, the same database
    assert Chat(second, "f10").type("Tốn phí bao nhiêu?").startswith(TOPIC_VI)
    second.engine.dispose()


def test_rating_comment_flow_is_not_disturbed(services: Services) -> None:
    chat = Chat(services, "f11")
    chat.play(
        """
        > đăng ký khai sinh
        > [Chưa hữu ích]
        < Ông/Bà có thể nhắn ngay câu trả lời còn thiếu điều gì
        > Tốn phí bao nhiêu?
        < góp ý đã được ghi nhận
        > Tốn phí bao nhiêu?
        < ↪️ Về thủ tục Đăng ký khai sinh:
        > [Chưa hữu ích]
        < Ông/Bà có thể nhắn ngay câu trả lời còn thiếu điều gì
        """
    )
    with services.sessions() as session:
        topic = session.scalars(select(RecentTopic)).one()
        assert topic.intent == "khai_sinh"
        assert session.scalars(select(DialogueState)).one().flow == "rating_comment"


def test_feedback_flow_keeps_its_messages(services: Services) -> None:
    chat = Chat(services, "f12")
    chat.play(
        """
        > đăng ký khai sinh
        > /phananh
        < Bước 1/4
        > [Hồ sơ trễ hẹn]
        < Bước 2/4
        > Tốn phí bao nhiêu?
        < Bước 3/4
        """
    )


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Tốn phí bao nhiêu?", False),
        ("làm ở đâu?", False),
        ("online được không?", False),
        ("thủ tục này mất bao lâu vậy ạ", False),
        ("thế còn lệ phí thì sao?", False),
        ("ngày mai em lên thì mang gì", False),
        ("em ở xa thì làm online được không", False),
        ("how much is it?", False),
        ("what about the fee?", False),
        ("where do I go?", False),
        ("how long does it take?", False),
        ("lệ phí khai sinh bao nhiêu", True),
        ("lệ phí nghĩa vụ quân sự bao nhiêu", True),
        # Words that fold like filler still name a subject: sổ đỏ (so do), thẻ (the).
        ("lệ phí làm sổ đỏ", True),
        ("lam so do o dau", True),
        ("lệ phí làm thẻ bao nhiêu", True),
        ("how much is a passport", True),
    ],
)
def test_has_subject(matcher: Matcher, text: str, subject: bool) -> None:
    assert has_subject(matcher, text, matcher.match(text).lang) is subject


def test_a_variant_answer_is_not_followed_up_with_the_entry(services: Services) -> None:
    chat = Chat(services, "f13")
    chat.type("đăng ký kết hôn")
    chat.type("đăng ký kết hôn với người nước ngoài")  # its own answer, not the domestic one
    assert "↪️ Về thủ tục Đăng ký kết hôn:" not in chat.type("lệ phí bao nhiêu?")


def test_after_a_decline_the_older_topic_no_longer_applies(services: Services) -> None:
    chat = Chat(services, "f14")
    chat.type("đăng ký khai sinh")
    chat.type("lệ phí nghĩa vụ quân sự bao nhiêu")
    late = chat.type("làm ở đâu?")
    assert "Đăng ký khai sinh" not in late
    assert "↪️" not in late


def test_a_fee_follow_up_after_a_variant_answers_from_the_variant(services: Services) -> None:
    chat = Chat(services, "f-variant")
    chat.play(
        """
        > Đăng ký khai sinh
        < 📌 Đăng ký khai sinh
        > đăng ký kết hôn với người nước ngoài
        """
    )
    chat.play(
        """
        > lệ phí bao nhiêu?
        """
    )
    # The variant's own answer again, said to be the special case: neither the domestic
    # marriage fee (the entry's 💰 line) nor the birth registration taken before the variant.
    variant = next(v for v in services.matcher.kb.entries["ket_hon"].variants)
    assert chat.last.startswith(TEXTS["vi"]["followup.variant"])
    assert variant.answer["vi"][:60] in chat.last
    assert "💰" not in chat.last
    assert "khai sinh" not in chat.last.lower()
    with services.sessions() as session:
        stored = session.scalars(select(RecentTopic.intent)).all()
    assert stored == [f"ket_hon#{variant.id}"]


def test_a_variant_gone_from_the_kb_leaves_no_topic(services: Services) -> None:
    chat = Chat(services, "f-variant-gone")
    chat.type("đăng ký kết hôn với người nước ngoài")
    with services.sessions.begin() as session:
        session.execute(update(RecentTopic).values(intent="ket_hon#khong_con"))
    assert not chat.type("lệ phí bao nhiêu?").startswith("↪️")


def test_an_aspect_question_with_no_topic_asks_which_procedure(services: Services) -> None:
    chat = Chat(services, "f-which")
    chat.play(
        """
        > lệ phí bao nhiêu?
        < Ông/Bà muốn hỏi về phí, lệ phí của thủ tục nào ạ?
        """
    )
    with services.sessions() as session:
        assert session.scalars(select(UnansweredQuestion)).all() == []
