"""Filing feedback on the console channel, written as transcripts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.feedback.models import Ticket, TicketEvent
from bot.messages import Attachment, Inbound
from bot.models import DialogueState
from bot.outbox import OutboxMessage
from bot.runtime import Services, build
from tests.feedback.chat import Chat, file_feedback, only_ticket
from tests.feedback.conftest import STAFF_CHAT


def test_citizen_files_feedback_and_gets_a_code_and_a_due_date(app: Services) -> None:
    citizen = Chat(app, "an")
    code = file_feedback(citizen)
    assert code.startswith("PA-")
    assert len(code) == len("PA-2026-000001")
    assert "Dự kiến trả lời chậm nhất ngày" in citizen.last
    assert "(5 ngày làm việc)" in citizen.last  # hồ sơ trễ hẹn: 5 working days by default
    ticket = only_ticket(app)
    assert (ticket.code, ticket.category, ticket.status) == (code, "tre_hen", "new")
    assert ticket.place == "Bộ phận Một cửa xã"
    assert (ticket.name, ticket.phone, ticket.consent) == ("Nguyễn Văn An", "0912345678", True)
    assert "khai sinh" in ticket.description
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DialogueState)) == 0
        event = session.scalars(select(TicketEvent)).one()
        assert (event.action, event.from_status, event.to_status) == ("filed", None, "new")
        card = session.scalars(select(OutboxMessage)).one()
    assert (card.channel, card.recipient) == ("telegram", str(STAFF_CHAT))
    assert code in card.payload[0]["text"]
    assert "Nguyễn Văn An, 09******78" in card.payload[0]["text"]  # masked in the group
    assert "0912 345 678" not in card.payload[0]["text"]
    payloads = [b[1] for row in card.payload[0]["buttons"] for b in row]
    assert f"pst:claim:{ticket.id}:1" in payloads


def test_anonymous_feedback_with_typed_answers_and_skips(app: Services) -> None:
    citizen = Chat(app, "binh")
    citizen.play(
        """
        > /phananh
        > 2
        < Bước 2/4
        > cán bộ
        < Nội dung còn ngắn
        > quát mắng người dân khi tôi hỏi về giấy tờ
        < Bước 3/4
        > bỏ qua
        < Bước 4/4
        > không
        < kiểm tra lại
        < Thái độ cán bộ
        < cán bộ
        < quát mắng
        < không để lại thông tin liên hệ
        > gửi
        < Mã phản ánh
        """
    )
    ticket = only_ticket(app)
    assert ticket.description == "cán bộ\nquát mắng người dân khi tôi hỏi về giấy tờ"
    assert (ticket.category, ticket.place, ticket.name, ticket.phone, ticket.consent) == (
        "thai_do",
        None,
        None,
        None,
        False,
    )


def test_feedback_answer_offers_to_file_now(app: Services) -> None:
    citizen = Chat(app, "chi")
    citizen.type("tôi muốn phản ánh thái độ của cán bộ một cửa")
    citizen.press("Gửi phản ánh ngay")
    assert "Bước 1/4" in citizen.last


def test_feedback_group_menu_offers_filing_and_tracking(app: Services) -> None:
    citizen = Chat(app, "chi")
    citizen.type("/menu")
    citizen.press("Phản ánh")
    labels = [b.label for b in citizen.buttons]
    assert "📝 Gửi phản ánh ngay" in labels
    assert "🔎 Tra cứu phản ánh" in labels


def test_forwarded_question_becomes_a_tracked_ticket_for_staff(app: Services) -> None:
    citizen = Chat(app, "dung")
    citizen.type("xin hỏi thủ tục đăng ký nuôi chim yến trong nhà ở tại xã mình ra sao")
    if "Không phải các nội dung trên" in citizen.last:  # suggestions first, then the decline
        citizen.press("Không phải các nội dung trên")
    citizen.press("Chuyển câu hỏi cho cán bộ")
    assert "Mã theo dõi: PA-" in citizen.last
    ticket = only_ticket(app)  # exactly one, however often the button is pressed
    assert ticket.category == "cau_hoi"
    with app.sessions() as session:
        from bot.models import UnansweredQuestion

        question = session.scalars(select(UnansweredQuestion)).all()[-1]
        assert ticket.description == question.text
        assert (question.forwarded, question.status) == (True, "ticket")
        card = session.scalars(select(OutboxMessage)).one()
    assert card.recipient == str(STAFF_CHAT)
    assert "Câu hỏi chuyển cán bộ" in card.payload[0]["text"]


def test_forwarding_twice_files_one_ticket(app: Services) -> None:
    handle = app.assistant.handle
    [reply] = handle(Inbound("console", "giang", text="bot ơi hôm nay xổ số miền bắc ra gì"))
    forward = next(b.payload for b in reply.all_buttons() if b.payload.startswith("fwd:"))
    handle(Inbound("console", "giang", payload=forward))
    [again] = handle(Inbound("console", "giang", payload=forward))
    assert "đã được chuyển" in again.text
    assert only_ticket(app).category == "cau_hoi"


def test_cancel_by_button_and_by_typing_huy(app: Services) -> None:
    citizen = Chat(app, "em")
    citizen.play(
        """
        > /phananh
        > [Hủy]
        < Đã hủy phản ánh
        > /phananh
        > [Khác]
        > Hủy
        < Đã hủy phản ánh
        > /huy
        < không có thao tác nào
        """
    )
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DialogueState)) == 0
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_nonsense_at_each_step_gets_a_clear_answer_and_nothing_is_lost(app: Services) -> None:
    citizen = Chat(app, "giang")
    citizen.play(
        """
        > /phananh
        > ???
        < vui lòng chọn loại phản ánh
        > cán bộ thu thêm 200 nghìn ngoài lệ phí khi tôi làm chứng thực
        < Tôi đã ghi lại nội dung
        > [Thái độ cán bộ]
        < Nội dung đã ghi: «cán bộ thu thêm 200 nghìn
        > [Tiếp tục]
        < Bước 3/4
        > Bộ phận Một cửa
        > hmm
        < vui lòng bấm một trong hai nút
        > [Đồng ý]
        > Trần Thị Giang 0123 456
        < chưa đúng
        < số điện thoại
        > 12345
        < «12345» chưa đúng
        < Các thông tin khác vẫn được giữ nguyên
        > +84 98.765.4321
        < kiểm tra lại
        < Trần Thị Giang, 0987 654 321
        > xin bổ sung: việc xảy ra sáng thứ Hai tuần trước
        < đã bổ sung
        > [Gửi phản ánh]
        < Mã phản ánh
        """
    )
    ticket = only_ticket(app)
    assert ticket.description == (
        "cán bộ thu thêm 200 nghìn ngoài lệ phí khi tôi làm chứng thực\n"
        "xin bổ sung: việc xảy ra sáng thứ Hai tuần trước"
    )
    assert (ticket.name, ticket.phone) == ("Trần Thị Giang", "0987654321")


def test_edit_from_the_summary(app: Services) -> None:
    citizen = Chat(app, "hoa")
    citizen.play(
        """
        > /phananh
        > [Dịch vụ công trực tuyến]
        > Cổng dịch vụ công báo lỗi khi tôi nộp hồ sơ đăng ký thường trú
        > [Bỏ qua]
        > [Không để lại]
        < kiểm tra lại
        > [Sửa]
        < muốn sửa phần nào
        > [Nơi xảy ra]
        < Bước 3/4
        > tại nhà, trên điện thoại
        < kiểm tra lại
        < Nơi xảy ra: tại nhà, trên điện thoại
        > [Sửa]
        > [Nội dung]
        < Nội dung hiện tại
        > Cổng dịch vụ công báo lỗi 500 khi tôi bấm nộp hồ sơ thường trú
        < kiểm tra lại
        > [Gửi phản ánh]
        """
    )
    ticket = only_ticket(app)
    assert ticket.place == "tại nhà, trên điện thoại"
    assert ticket.description == "Cổng dịch vụ công báo lỗi 500 khi tôi bấm nộp hồ sơ thường trú"


def test_attachments_are_kept_as_references_and_stickers_get_an_answer(app: Services) -> None:
    citizen = Chat(app, "khanh")
    citizen.play("> /phananh\n> [Khác]")
    photo = Attachment("photo", "telegram-file-id-1", None)
    replies = app.assistant.handle(Inbound("console", "khanh", attachments=(photo,)))
    citizen.receive(replies)
    assert "Đã nhận 1 tệp" in citizen.last
    assert "Bước 2/4" in citizen.last
    citizen.receive(app.assistant.handle(Inbound("console", "khanh", unsupported="sticker")))
    assert "chưa đọc được loại tin nhắn này" in citizen.last
    citizen.play(
        """
        > Đường vào trụ sở xã bị ngập, người dân không vào nộp hồ sơ được
        > [Bỏ qua]
        > [Không để lại]
        < Tệp đính kèm: 1
        > [Gửi phản ánh]
        """
    )
    assert only_ticket(app).attachments == [
        {"kind": "photo", "ref": "telegram-file-id-1", "name": ""}
    ]


def test_empty_and_huge_texts(app: Services) -> None:
    from bot.feedback.draft import MAX_DESCRIPTION

    citizen = Chat(app, "lan")
    citizen.play("> /phananh\n> [Khác]")
    citizen.type("")
    assert "Bước 2/4" in citizen.last
    huge = "Người dân phản ánh rất dài. " * 1000  # 28 000 characters
    citizen.type(huge)
    assert "độ dài tối đa 10000 ký tự" in citizen.last
    assert "Bước 3/4" in citizen.last
    citizen.type("x" * 500 + " một địa điểm rất dài")  # too long for a place: kept, moved
    assert "bổ sung vào nội dung" in citizen.last
    assert "Bước 3/4" in citizen.last
    citizen.play("> [Bỏ qua]\n> [Không để lại]\n< …\n> [Gửi phản ánh]\n< Mã phản ánh")
    ticket = only_ticket(app)
    assert len(ticket.description) == MAX_DESCRIPTION
    assert ticket.description == huge.strip()[:MAX_DESCRIPTION]
    assert len(citizen.transcript[-3]) < 4096  # the summary fits in one Telegram message


def test_restart_in_the_middle_of_the_flow(app: Services) -> None:
    citizen = Chat(app, "minh")
    citizen.play(
        """
        > /phananh
        > [Hồ sơ trễ hẹn]
        > Hồ sơ chứng thực của tôi hẹn hôm qua mà chưa có
        < Bước 3/4
        """
    )
    restarted = build(app.settings, app.matcher)  # a new process on the same database
    try:
        again = Chat(restarted, "minh", buttons=citizen.buttons)
        again.play(
            """
            > [Bỏ qua]
            < Bước 4/4
            > [Không để lại]
            < Hồ sơ chứng thực của tôi hẹn hôm qua mà chưa có
            > [Gửi phản ánh]
            < Mã phản ánh
            """
        )
    finally:
        restarted.engine.dispose()
    assert only_ticket(app).category == "tre_hen"


def test_phananh_again_resumes_the_draft(app: Services) -> None:
    citizen = Chat(app, "nga")
    citizen.play(
        """
        > /phananh
        > [Khác]
        > /phananh
        < đang soạn dở
        < Bước 2/4
        > [Bắt đầu lại]
        < Bước 1/4
        """
    )


def test_abandoned_draft_expires(app: Services) -> None:
    citizen = Chat(app, "oanh")
    citizen.play("> /phananh\n> [Khác]")
    with app.sessions.begin() as session:
        state = session.scalars(select(DialogueState)).one()
        assert state.expires_at is not None
        expected = dt.timedelta(minutes=120)
        assert abs(state.expires_at - state.updated_at - expected) < dt.timedelta(seconds=5)
        state.expires_at = state.updated_at - dt.timedelta(seconds=1)
    citizen.press("Hủy")  # an old button after expiry
    assert "không có thao tác nào" in citizen.last
    citizen.play("> /phananh\n< Bước 1/4\n> [Khác]")
    with app.sessions.begin() as session:
        session.scalars(select(DialogueState)).one().expires_at = dt.datetime(
            2000, 1, 1, tzinfo=dt.UTC
        )
    citizen.press("Hủy")
    assert "không có thao tác nào" in citizen.last
    [reply] = app.assistant.handle(Inbound("console", "oanh", payload="pa:skip"))
    assert "đã hết hạn" in reply.text
    assert reply.all_buttons()[0].payload == "pa:start"


def test_the_intake_speaks_english_to_english_speakers(app: Services) -> None:
    citizen = Chat(app, "tom")
    citizen.play(
        """
        > /language
        > [English]
        > /feedback
        < Step 1/4
        > [Online public services]
        > The portal rejects my residence application with an error every time
        < Step 3/4
        > [Skip]
        > [No contact details]
        < Please check your feedback
        > [Send feedback]
        < Tracking code: PA-
        < working days
        """
    )
