"""Aspect answers: what was asked comes first, the rest of the entry sits behind buttons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.ask import result
from bot.config import Settings
from bot.runtime import Services, build
from knowledge.matcher import Matcher, Thresholds
from tests.feedback.chat import Chat

SUMMARY_VI = "Cha hoặc mẹ cần đăng ký khai sinh"  # the first words of the birth entry's summary


def body(text: str) -> str:
    """A console rendering without its numbered buttons."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("  ["))


def blocks(text: str) -> list[str]:
    return [b for b in body(text).split("\n\n") if b.strip()]


def test_fee_question_puts_the_fee_first_and_the_rest_behind_buttons(services: Services) -> None:
    chat = Chat(services, "fee")
    answer = chat.type("Lệ phí khai sinh bao nhiêu?")
    first, second, third = blocks(answer)[:3]
    assert first == "📌 Đăng ký khai sinh"
    assert second.startswith("💰 Phí, lệ phí: Miễn lệ phí")
    assert third.startswith("⚖️ Căn cứ: Thông tư 85/2019/TT-BTC")  # the fee's own basis, short
    assert "văn bản khác" in third
    assert SUMMARY_VI not in answer
    assert "📍 Nơi nộp:" not in answer
    assert "📄 Hồ sơ cần chuẩn bị:" not in answer
    assert len(body(answer)) < 600
    labels = [b.label for b in chat.buttons]
    for label in ("📄 Hồ sơ cần chuẩn bị", "🧭 Các bước", "📍 Nơi nộp", "📖 Toàn bộ hướng dẫn"):
        assert label in labels
    assert "💰 Lệ phí" not in labels  # already shown


def test_buttons_open_the_other_parts_and_the_whole_guide(services: Services) -> None:
    chat = Chat(services, "fee")
    chat.play(
        """
        > Lệ phí khai sinh bao nhiêu?
        > [Hồ sơ cần chuẩn bị]
        < 📄 Hồ sơ cần chuẩn bị:
        < Giấy chứng sinh
        > [Toàn bộ hướng dẫn]
        < Cha hoặc mẹ cần đăng ký khai sinh
        < 📍 Nơi nộp:
        < 💰 Phí, lệ phí:
        < ⏱ Thời hạn giải quyết:
        """
    )
    assert "📖 Toàn bộ hướng dẫn" not in [b.label for b in chat.buttons]


def test_documents_question_puts_the_documents_first(services: Services) -> None:
    chat = Chat(services, "docs")
    answer = chat.type("đăng ký kết hôn cần chuẩn bị gì")
    assert blocks(answer)[0] == "📌 Đăng ký kết hôn"
    assert blocks(answer)[1].startswith("📄 Hồ sơ cần chuẩn bị:\n• Tờ khai đăng ký kết hôn")
    assert "💰" not in body(answer)
    chat.play(
        """
        > [Lệ phí]
        < 💰 Phí, lệ phí:
        """
    )


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("làm căn cước mất bao lâu", "⏱ Thời hạn giải quyết: Không quá 7 ngày làm việc"),
        ("dang ky khai sinh o dau", "📍 Nơi nộp: Trung tâm Phục vụ hành chính công"),
        ("đăng ký tạm trú online được không", "🌐 Nộp trực tuyến: có, toàn trình"),
        ("thủ tục đăng ký thường trú như thế nào", "🧭 Các bước:\n1."),
        ("khai sinh căn cứ luật nào", "⚖️ Căn cứ pháp lý:\n• Luật Hộ tịch số 60/2014/QH13"),
        ("ai được đi khai sinh cho con", SUMMARY_VI),
    ],
)
def test_each_aspect_comes_first(services: Services, question: str, first: str) -> None:
    answer = Chat(services, "u").type(question)
    assert blocks(answer)[1].startswith(first)


def test_where_answer_also_gives_the_online_channel(services: Services) -> None:
    answer = Chat(services, "u").type("làm giấy khai sinh ở đâu")
    assert blocks(answer)[1].startswith("📍 Nơi nộp:")
    assert blocks(answer)[2].startswith("🌐 Nộp trực tuyến: có, toàn trình")


def test_english_fee_question(services: Services) -> None:
    chat = Chat(services, "en")
    answer = chat.type("How much does birth registration cost?")
    assert blocks(answer)[0] == "📌 Birth registration"
    assert blocks(answer)[1].startswith("💰 Fee: No fee.")
    assert blocks(answer)[2].startswith("⚖️ Legal basis:")
    labels = [b.label for b in chat.buttons]
    assert "📄 Documents" in labels
    assert "📖 Full guide" in labels
    chat.play(
        """
        > [Full guide]
        < A parent should register the child's birth
        """
    )


def test_question_without_an_aspect_gets_the_general_answer(services: Services) -> None:
    chat = Chat(services, "u")
    answer = chat.type("khai sinh")
    assert SUMMARY_VI in answer
    assert "📍 Nơi nộp:" in answer
    assert "📖 Toàn bộ hướng dẫn" not in [b.label for b in chat.buttons]


@pytest.fixture
def no_fee_services(settings: Settings, matcher: Matcher) -> Iterator[Services]:
    """The bundled knowledge base with the birth entry's fee left out."""
    entry = matcher.kb.entries["khai_sinh"]
    assert entry.procedure is not None
    changed = replace(entry, procedure=replace(entry.procedure, fee={}))
    kb = replace(matcher.kb, entries={**matcher.kb.entries, "khai_sinh": changed})
    built = build(settings, Matcher(kb, matcher.thresholds))
    yield built
    built.engine.dispose()


def test_missing_field_is_said_politely_with_the_general_answer(
    no_fee_services: Services,
) -> None:
    chat = Chat(no_fee_services, "u")
    answer = chat.type("Lệ phí khai sinh bao nhiêu?")
    assert blocks(answer)[0] == (
        "Xin lỗi Ông/Bà, hướng dẫn về “Đăng ký khai sinh” chưa có thông tin riêng về "
        "phí, lệ phí. Dưới đây là hướng dẫn chung:"
    )
    assert SUMMARY_VI in answer
    assert "💰" not in body(answer)
    chat.type("How much does birth registration cost?")
    assert chat.last.startswith("Sorry, our guide to “Birth registration” has no separate")


def test_ask_json_has_the_aspect_and_keeps_every_other_field(matcher: Matcher) -> None:
    fee = result(matcher, "Lệ phí khai sinh bao nhiêu?")
    assert list(fee) == [
        "query",
        "intent",
        "band",
        "score",
        "suggestions",
        "lang",
        "answer",
        "variant",
        "aspect",
    ]
    assert (fee["intent"], fee["band"], fee["lang"], fee["aspect"]) == (
        "khai_sinh",
        "answer",
        "vi",
        "fee",
    )
    assert isinstance(fee["score"], float)
    assert fee["suggestions"] == []
    assert fee["variant"] is None
    assert blocks(fee["answer"])[1].startswith("💰 Phí, lệ phí:")
    json.dumps(fee)  # the contract is JSON


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("khai sinh", None),
        ("đăng ký kết hôn cần chuẩn bị gì", "documents"),
        ("how long does it take to get a birth certificate", "time"),
        ("lệ phí nuôi trồng thủy sản bao nhiêu", "fee"),  # declined, but the aspect is known
        ("", None),
    ],
)
def test_ask_json_aspect_values(matcher: Matcher, question: str, aspect: str | None) -> None:
    assert result(matcher, question)["aspect"] == aspect


@pytest.fixture
def suggesting_services(settings: Settings, matcher: Matcher) -> Iterator[Services]:
    """A matcher that never answers outright: every match is a "did you mean" question."""
    built = build(settings, Matcher(matcher.kb, Thresholds(answer=100.1, suggest=0.0)))
    yield built
    built.engine.dispose()


def test_a_chosen_suggestion_keeps_the_asked_aspect(suggesting_services: Services) -> None:
    chat = Chat(suggesting_services, "s")
    chat.type("Lệ phí khai sinh bao nhiêu?")
    assert "Có phải một trong các nội dung sau không?" in chat.last, chat.conversation()
    chat.press("Đăng ký khai sinh")
    assert blocks(chat.last)[0] == "📌 Đăng ký khai sinh"
    assert blocks(chat.last)[1].startswith("💰 Phí, lệ phí:")
    chat.type("khai sinh")  # no aspect: the chosen suggestion shows the whole entry
    chat.press("Đăng ký khai sinh")
    assert SUMMARY_VI in chat.last
