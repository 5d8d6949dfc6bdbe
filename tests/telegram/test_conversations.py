"""Whole conversations over real HTTP (webhook mode), as transcripts, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.models import AnswerRating, Contact, MessageLog, UnansweredQuestion
from bot.runtime import Services
from tests.telegram import updates
from tests.telegram.harness import BotUnderTest

# Fixed questions with the band each must land in. If the knowledge base or a threshold moves
# one of them, these tests go red on purpose: look at the change, then pick a new question.
SUGGEST_QUESTION = "chứng thực"  # a bare keyword fitting three topics
SUGGESTED = (
    "Chứng thực hợp đồng, giao dịch",
    "Chứng thực bản sao từ bản chính",
    "Chứng thực chữ ký (kể cả chữ ký người dịch)",
)
DECLINE_QUESTION = "cho hỏi về giấy"  # too vague for any topic, and no out-of-scope redirect


def test_the_fixed_questions_are_in_their_bands(services: Services) -> None:
    suggest = services.matcher.match(SUGGEST_QUESTION)
    assert suggest.band == "suggest"
    titles = tuple(services.matcher.kb.entries[s].title["vi"] for s in suggest.suggestions)
    assert titles == SUGGESTED
    decline = services.matcher.match(DECLINE_QUESTION)
    assert (decline.band, decline.redirect, decline.suggestions) == ("decline", None, ())


async def test_menu_navigation_redraws_menus_in_place(bot: BotUnderTest) -> None:
    an = bot.citizen("An")
    await an.says("/start")
    await an.presses("Hộ tịch")
    await an.presses("Đăng ký khai sinh")
    await an.presses("⬅️ Quay lại")
    await an.presses("⬅️ Quay lại")
    await an.presses("🏠 Menu chính")
    bot.transcript.expect(
        """
        user: /start
        bot: Xin chào Ông/Bà! *  [Hộ tịch] [Chứng thực] / [Cư trú] *
        user: [Hộ tịch]
        bot ✎: Chọn nội dung trong mục “Hộ tịch”:  [Đăng ký khai sinh] / * / [⬅️ Quay lại]
        user: [Đăng ký khai sinh]
        bot: 📌 Đăng ký khai sinh ⏎ * [👍 Hữu ích] * / [⬅️ Quay lại] [🏠 Menu chính]
        user: [⬅️ Quay lại]
        bot: Chọn nội dung trong mục “Hộ tịch”:  [Đăng ký khai sinh] / *
        user: [⬅️ Quay lại]
        bot ✎: Ông/Bà muốn tìm hiểu về lĩnh vực nào? *  [Hộ tịch] [Chứng thực] *
        user: [🏠 Menu chính]
        bot: Ông/Bà muốn tìm hiểu về lĩnh vực nào? *  [Hộ tịch] [Chứng thực] *
        """
    )
    # Every button press was acknowledged, so no spinner is left turning.
    assert len(bot.calls("answerCallbackQuery")) == 5


async def test_free_text_question_is_answered_with_escaped_html(bot: BotUnderTest) -> None:
    an = bot.citizen("An")
    await an.says("lam can cuoc o dau")
    bot.transcript.expect(
        """
        user: lam can cuoc o dau
        bot: 📌 * căn cước ⏎ * [👍 Hữu ích] [👎 Chưa hữu ích] *
        """
    )
    [sent] = bot.calls("sendMessage")
    assert sent.params["parse_mode"] == "HTML"
    assert sent.params["link_preview_options"] == {"is_disabled": True}
    with bot.services.sessions() as session:
        logged = session.scalars(select(MessageLog)).one()
        assert (logged.band, logged.intent) == ("answer", "can_cuoc")


async def test_english_user_gets_english(bot: BotUnderTest) -> None:
    john = bot.citizen("John", user_id=7_002, language="en")
    await john.says("/start")
    await john.says("how do I register my baby's birth")
    bot.transcript.expect(
        """
        user: /start
        bot: Hello! * [Civil status] [Certification] *
        user: how do I register my baby's birth
        bot: 📌 Birth registration ⏎ * [👍 Helpful] [👎 Not helpful] *
        """
    )


async def test_suggestion_click_opens_the_answer(bot: BotUnderTest) -> None:
    question, first = SUGGEST_QUESTION, SUGGESTED[0]
    an = bot.citizen("An")
    await an.says(question)
    await an.presses(first)
    bot.transcript.expect(
        f"""
        user: {question}
        bot: Tôi chưa chắc Ông/Bà muốn hỏi * [{first}] / *[Không phải các nội dung trên]
        user: [{first}]
        bot: 📌 {first} ⏎ * [👍 Hữu ích] [👎 Chưa hữu ích] *
        """
    )


async def test_decline_then_forward_to_staff(bot: BotUnderTest) -> None:
    question = DECLINE_QUESTION
    an = bot.citizen("An")
    await an.says(question)
    await an.presses("📨 Chuyển câu hỏi cho cán bộ")
    bot.transcript.expect(
        f"""
        user: {question}
        bot: Xin lỗi Ông/Bà, * 0200 000 000 * [📨 Chuyển câu hỏi cho cán bộ] / [📋 Menu]
        user: [📨 Chuyển câu hỏi cho cán bộ]
        bot: 📨 Tôi đã chuyển câu hỏi * Mã theo dõi: PA-* [🔎 Tra cứu phản ánh] / [🏠 Menu chính]
        """
    )
    with bot.services.sessions() as session:
        unanswered = session.scalars(select(UnansweredQuestion)).one()
        assert unanswered.forwarded
        assert unanswered.text == question


async def test_thumbs_up_and_thumbs_down_with_a_comment(bot: BotUnderTest) -> None:
    an = bot.citizen("An")
    await an.says("lam can cuoc o dau")
    await an.presses("👍 Hữu ích")
    await an.says("đăng ký khai sinh cho con cần giấy tờ gì")
    await an.presses("👎 Chưa hữu ích")
    await an.says("thiếu lệ phí khi đăng ký muộn")
    bot.transcript.expect(
        """
        user: lam can cuoc o dau
        bot: 📌 * [👍 Hữu ích] [👎 Chưa hữu ích] *
        user: [👍 Hữu ích]
        bot: Cảm ơn Ông/Bà đã đánh giá!
        user: đăng ký khai sinh cho con cần giấy tờ gì
        bot: 📌 Đăng ký khai sinh * [👍 Hữu ích] [👎 Chưa hữu ích] *
        user: [👎 Chưa hữu ích]
        bot: Cảm ơn Ông/Bà đã góp ý. *
        user: thiếu lệ phí khi đăng ký muộn
        bot: Cảm ơn Ông/Bà, góp ý đã được ghi nhận.
        """
    )
    with bot.services.sessions() as session:
        ratings = session.scalars(select(AnswerRating).order_by(AnswerRating.id)).all()
        assert [(r.intent, r.useful, r.comment) for r in ratings] == [
            ("can_cuoc", True, None),
            ("khai_sinh", False, "thiếu lệ phí khi đăng ký muộn"),
        ]


async def test_stickers_photos_voice_locations_documents_and_edits_get_a_polite_reply(
    bot: BotUnderTest,
) -> None:
    an = bot.citizen("An")
    person = an.person
    await an.sends("sticker", updates.sticker(person))
    await an.sends("voice", updates.voice(person))
    await an.sends("location", updates.location(person))
    await an.sends("document", updates.document(person))
    await an.sends("photo", updates.photo(person))
    await an.sends("edited message", updates.edited(person, "sửa lại câu hỏi"))
    await an.sends("photo: lam can cuoc o dau", updates.photo(person, "lam can cuoc o dau"))
    polite = "bot: Xin lỗi Ông/Bà, tôi chỉ đọc được tin nhắn chữ. *"
    bot.transcript.expect(
        f"""
        user: <sticker>
        {polite}
        user: <voice>
        {polite}
        user: <location>
        {polite}
        user: <document>
        {polite}
        user: <photo>
        {polite}
        user: <edited message>
        {polite}
        user: <photo: lam can cuoc o dau>
        bot: 📌 * căn cước *
        """
    )


async def test_in_a_group_only_commands_and_mentions_are_answered(bot: BotUnderTest) -> None:
    group = updates.group_chat()
    an = bot.citizen("An")
    an.chat = group
    await an.says("mọi người ơi chiều nay họp tổ dân phố")
    await an.says("/menu@someone_else_bot")
    await an.says("@cchc_test_bot lam can cuoc o dau")
    await an.says("/lienhe@cchc_test_bot")
    await an.presses("🏠 Menu chính")
    bot.transcript.expect(
        """
        user: mọi người ơi chiều nay họp tổ dân phố
        user: /menu@someone_else_bot
        user: @cchc_test_bot lam can cuoc o dau
        bot: 📌 * căn cước *
        user: /lienhe@cchc_test_bot
        bot: 📌 *
        *
        user: [🏠 Menu chính]
        bot: Ông/Bà muốn tìm hiểu về lĩnh vực nào? *
        """
    )
    answers = bot.calls("sendMessage")
    assert all(int(c.params["chat_id"]) == group["id"] for c in answers)
    # In a busy group the answer quotes the question it belongs to.
    assert answers[0].params["reply_parameters"]["message_id"] > 0
    assert bot.gateway.progress.ignored == 2
    with bot.services.sessions() as session:
        assert session.scalars(select(MessageLog.text)).all() == ["lam can cuoc o dau"]


async def test_language_can_be_switched(bot: BotUnderTest) -> None:
    an = bot.citizen("An")
    await an.says("/ngonngu")
    await an.presses("English")
    await an.says("lam giay khai sinh")
    bot.transcript.expect(
        """
        user: /ngonngu
        bot: Chọn ngôn ngữ / Choose your language:  [Tiếng Việt] [English]
        user: [English]
        bot: I will answer you in English. *
        user: lam giay khai sinh
        bot: 📌 Birth registration *
        """
    )
    with bot.services.sessions() as session:
        contact = session.scalars(select(Contact)).one()
        assert (contact.language, contact.language_chosen) == ("en", True)
