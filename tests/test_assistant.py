"""The core's routing, logging and state, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.messages import Inbound, Reply
from bot.models import AnswerRating, Contact, DialogueState, MessageLog, UnansweredQuestion
from bot.runtime import Services


def ask(services: Services, text: str = "", user: str = "u1", **kw: str) -> list[Reply]:
    return services.assistant.handle(Inbound("test", user, text=text, **kw))


def press(services: Services, reply: Reply, prefix: str, user: str = "u1") -> list[Reply]:
    button = next(b for b in reply.all_buttons() if b.payload.startswith(prefix))
    return services.assistant.handle(Inbound("test", user, payload=button.payload))


def test_start_greets_and_shows_the_menu(services: Services) -> None:
    [reply] = ask(services, command="start")
    assert "Xin chào" in reply.text
    labels = [b.label for b in reply.all_buttons()]
    assert "Hộ tịch" in labels
    assert "Chứng thực" in labels


def test_confident_question_is_answered_and_logged(services: Services) -> None:
    [reply] = ask(services, "đăng ký khai sinh cho con cần giấy tờ gì")
    assert reply.meta["intent"] == "khai_sinh"
    assert "📄" in reply.text
    with services.sessions() as session:
        row = session.scalars(select(MessageLog)).one()
        assert (row.intent, row.band) == ("khai_sinh", "answer")


def test_decline_offers_forwarding_and_records_consent(services: Services) -> None:
    [reply] = ask(services, "tối nay đội tuyển đá mấy giờ")
    assert "0200 000 000" in reply.text  # the sample commune's hotline
    done = press(services, reply, "fwd:")
    assert "chuyển câu hỏi" in done[0].text
    with services.sessions() as session:
        question = session.scalars(select(UnansweredQuestion)).one()
        assert question.forwarded
        assert question.text == "tối nay đội tuyển đá mấy giờ"


def test_someone_else_cannot_forward_my_question(services: Services) -> None:
    [reply] = ask(services, "tối nay đội tuyển đá mấy giờ")
    press(services, reply, "fwd:", user="intruder")
    with services.sessions() as session:
        assert not session.scalars(select(UnansweredQuestion)).one().forwarded


def test_thumbs_down_then_comment_is_stored(services: Services) -> None:
    [answer] = ask(services, "lam can cuoc o dau")
    press(services, answer, "rate:")
    down = next(b for b in answer.all_buttons() if b.payload.endswith(":down"))
    services.assistant.handle(Inbound("test", "u1", payload=down.payload))
    ask(services, "thiếu thông tin lệ phí cho trẻ em")
    with services.sessions() as session:
        ratings = session.scalars(select(AnswerRating).order_by(AnswerRating.id)).all()
        assert [r.useful for r in ratings] == [True, False]
        assert ratings[1].comment == "thiếu thông tin lệ phí cho trẻ em"
        assert session.scalar(select(func.count()).select_from(DialogueState)) == 0


def test_subscribe_and_unsubscribe(services: Services) -> None:
    ask(services, command="dangky")
    with services.sessions() as session:
        assert session.scalars(select(Contact)).one().subscribed
    [again] = ask(services, command="dangky")
    assert "từ trước" in again.text
    ask(services, command="huydangky")
    with services.sessions() as session:
        assert not session.scalars(select(Contact)).one().subscribed


def test_english_question_gets_english_answer(services: Services) -> None:
    [reply] = ask(services, "how do I register my baby's birth")
    assert reply.meta.get("intent") == "khai_sinh"
    assert reply.text.startswith("📌 Birth registration")
    assert reply.all_buttons()[0].label.endswith("Documents")


def test_language_choice_sticks(services: Services) -> None:
    [menu] = ask(services, command="ngonngu")
    press(services, menu, "lang:en")
    [reply] = ask(services, "lam giay khai sinh")
    assert reply.text.startswith("📌 Birth registration")


def test_answer_is_short_and_details_come_on_request(services: Services) -> None:
    [reply] = ask(services, "đăng ký khai sinh ở đâu")
    assert "📄" not in reply.text  # documents only when asked for
    assert len(reply.text) < 2500
    [details] = press(services, reply, "det:khai_sinh:documents")
    assert "Giấy chứng sinh" in details.text
    assert not any(b.payload.startswith("det:khai_sinh:documents") for b in details.all_buttons())


def test_question_about_documents_gets_the_documents(services: Services) -> None:
    [reply] = ask(services, "đăng ký khai sinh cần giấy tờ gì")
    assert "📄" in reply.text


def test_unsupported_message_gets_a_polite_reply(services: Services) -> None:
    [reply] = services.assistant.handle(Inbound("test", "u1", unsupported="sticker"))
    assert "chỉ đọc được tin nhắn chữ" in reply.text


def test_unknown_button_payload_falls_back_to_menu(services: Services) -> None:
    [reply] = services.assistant.handle(Inbound("test", "u1", payload="bogus:1"))
    assert any(b.payload.startswith("grp:") for b in reply.all_buttons())
