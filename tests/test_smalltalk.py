"""Small talk gets a short, warm reply in its language and is never logged as a question."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.clock import FrozenClock, use
from bot.feedback.reports import build_report
from bot.messages import Inbound, Reply
from bot.models import MessageLog, UnansweredQuestion
from bot.runtime import Services
from bot.smalltalk import Chat, SmallTalk

TABLE = SmallTalk.load()
DATA = Path(__file__).parent / "data"


def ask(services: Services, text: str, user: str = "u1") -> list[Reply]:
    return services.assistant.handle(Inbound("test", user, text=text))


def logged(services: Services) -> tuple[int, int]:
    with services.sessions() as session:
        messages = session.scalar(select(func.count()).select_from(MessageLog))
        unanswered = session.scalar(select(func.count()).select_from(UnansweredQuestion))
        return int(messages or 0), int(unanswered or 0)


@pytest.mark.parametrize(
    ("text", "kind", "lang"),
    [
        ("cảm ơn cháu nhé", "thanks", "vi"),
        ("cám ơn ạ", "thanks", "vi"),
        ("cam on nhieu nha", "thanks", "vi"),
        ("Cảm ơn bạn đã hỗ trợ!", "thanks", "vi"),
        ("xin cảm ơn xã ơi", "thanks", "vi"),
        ("thanks", "thanks", "en"),
        ("Thank you so much", "thanks", "en"),
        ("thanks for your help", "thanks", "en"),
        ("thank u", "thanks", "en"),
        ("cảm ơn nhìu", "thanks", "vi"),
        ("much appreciated", "thanks", "en"),
        ("tks", "thanks", None),
        ("🙏", "thanks", None),
        ("chào bạn", "greeting", "vi"),
        ("Xin chào trợ lý ảo", "greeting", "vi"),
        ("hello", "greeting", None),
        ("hi", "greeting", None),
        ("good morning", "greeting", "en"),
        ("alo, có ai không", "greeting", "vi"),
        ("tạm biệt", "goodbye", "vi"),
        ("bye", "goodbye", None),
        ("ok cảm ơn nhé, tạm biệt", "goodbye", "vi"),
        ("ok", "ack", None),
        ("OK!", "ack", None),
        ("vâng", "ack", "vi"),
        ("dạ", "ack", "vi"),
        ("dạ vâng ạ", "ack", "vi"),
        ("ừ", "ack", "vi"),
        ("hiểu rồi ạ", "ack", "vi"),
        ("đc rồi", "ack", "vi"),
        ("ờ", "ack", "vi"),
        ("okela nha", "ack", None),
        ("got it", "ack", "en"),
        ("👍", "ack", None),
        ("👍🏻👍🏻", "ack", None),
        ("haha", "laugh", None),
        ("hihi", "laugh", None),
        ("hahaha", "laugh", None),
        ("kkk", "laugh", None),
        (":))", "laugh", None),
        ("😂😂", "laugh", None),
        ("🎉", "emoji", None),
    ],
)
def test_small_talk_is_recognised(text: str, kind: str, lang: str | None) -> None:
    assert TABLE.classify(text) == Chat(kind, lang)


@pytest.mark.parametrize(
    "text",
    [
        "chào bạn, cho hỏi làm căn cước ở đâu",
        "cảm ơn, nhưng tôi vẫn chưa hiểu cần giấy tờ gì",
        "ok vậy làm khai sinh ở đâu",
        "hello, how do I register a birth",
        "bạn là ai",
        "cảm ơn tiếng Nhật nói thế nào",
        "k",
        "a",
        "?",
        "...",
        "",
    ],
)
def test_anything_more_is_not_small_talk(text: str) -> None:
    assert TABLE.classify(text) is None


def test_thanks_is_answered_warmly_and_not_logged(services: Services) -> None:
    [reply] = ask(services, "cảm ơn cháu nhé")
    assert reply.text.startswith("Dạ, không có gì ạ!")
    [reply] = ask(services, "thanks")
    assert reply.text.startswith("You're welcome!")
    [reply] = ask(services, "ok")
    assert reply.text.startswith("Dạ vâng ạ.")
    [reply] = ask(services, "👍")
    assert reply.meta["smalltalk"] == "ack"
    assert logged(services) == (0, 0)


def test_a_greeting_offers_the_menu(services: Services) -> None:
    [reply] = ask(services, "chào bạn")
    assert "Ông/Bà cần hỏi về thủ tục nào" in reply.text
    assert [b.payload for b in reply.all_buttons()] == ["menu"]
    [reply] = ask(services, "good morning", user="u2")
    assert reply.text.startswith("Hello!")


def test_a_greeting_before_a_question_is_still_a_question(services: Services) -> None:
    [reply] = ask(services, "chào bạn, cho hỏi làm căn cước ở đâu")
    assert reply.meta["intent"] == "can_cuoc"
    assert logged(services) == (1, 0)


def test_neutral_words_follow_the_chosen_language(services: Services) -> None:
    services.assistant.handle(Inbound("test", "u1", payload="lang:en"))
    [reply] = ask(services, "tks")
    assert reply.text.startswith("You're welcome!")
    [reply] = ask(services, "cảm ơn nhé")  # the citizen chose English: the choice wins
    assert reply.text.startswith("You're welcome!")


def test_laughter_and_emoji_keep_the_conversation_language(services: Services) -> None:
    ask(services, "cho hỏi làm căn cước ở đâu")
    for text in ("haha 😂", "hihi", "😂😂", "ok ok"):
        [reply] = ask(services, text)
        assert not reply.text.startswith(("😊 If", "OK")), (text, reply.text)
        assert "Ông/Bà" in reply.text or "ạ" in reply.text, (text, reply.text)
    for text in ("haha 😂", "ok ok"):  # before any question: still no language chosen
        [reply] = ask(services, text, user="u3")
        assert "If you have a question" not in reply.text, (text, reply.text)
    [reply] = ask(services, "cho hỏi làm căn cước ở đâu", user="u3")
    assert "📌" in reply.text
    assert "Menu chính" in str(reply.all_buttons())
    ask(services, "How do I get an ID card?", user="u2")
    [reply] = ask(services, "haha 😂", user="u2")
    assert "If you have a question" in reply.text


def test_punctuation_alone_is_still_asked_for_words(services: Services) -> None:
    [reply] = ask(services, "???")
    assert "nhập câu hỏi bằng chữ" in reply.text


def test_the_report_counts_only_real_unanswered_questions(services: Services) -> None:
    at = dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with use(FrozenClock(at)):
        for text in (
            "cảm ơn cháu nhé",
            "thanks",
            "ok",
            "haha",
            "🙏",
            "tối nay đội tuyển đá mấy giờ",
        ):
            ask(services, text)
        with services.sessions() as session:
            report = build_report(session, at.date(), at.date(), at.date())
    rows = report.table("Câu hỏi chưa trả lời").rows
    assert rows == [["tối nay đội tuyển đá mấy giờ", 1, 0]]


def test_only_greetings_among_the_knowledge_base_questions_are_small_talk(
    services: Services,
) -> None:
    kb = services.assistant.kb
    taken = {
        entry.id
        for entry in kb.entries.values()
        for questions in entry.questions.values()
        for question in questions
        if TABLE.classify(question)
    }
    assert taken == {"chao_hoi"}


@pytest.mark.parametrize(
    "name", ["devset.yaml", "long_dev.yaml", "long_dev2.yaml", "long_dev3.yaml"]
)
def test_dev_set_questions_are_not_small_talk(name: str) -> None:
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    taken = [(i["q"], i["intent"]) for i in items if TABLE.classify(i["q"])]
    assert all(intent in ("chao_hoi", None) for _q, intent in taken)
