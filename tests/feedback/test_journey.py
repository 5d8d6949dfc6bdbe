"""The whole journey: file, track, staff answer, citizen notified through the outbox, rating."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.dispatcher import Dispatcher
from bot.feedback.models import Ticket, TicketEvent
from bot.messages import Inbound
from bot.outbox import OutboxMessage
from bot.runtime import Services
from tests.feedback.chat import Chat, RecordingSender, add_staff, file_feedback, only_ticket
from tests.feedback.conftest import STAFF_CHAT


def deliver(app: Services, *senders: RecordingSender) -> int:
    dispatcher = Dispatcher(app.sessions, {s.channel: s for s in senders})
    return asyncio.run(dispatcher.run_once())


def test_file_track_answer_notify_rate(app: Services) -> None:
    citizen, staff = Chat(app, "an"), Chat(app, "lan")
    add_staff(app, "lan", "Chị Lan")
    code = file_feedback(citizen)

    citizen.play(f"> /tracuu {code}\n< Trạng thái: mới\n< Quá trình xử lý")
    staff.play(
        f"""
        > /inbox
        < Phản ánh đang mở: 1
        < {code} · Hồ sơ trễ hẹn · mới
        > /xem {code}
        < Nguyễn Văn An, 0912 345 678
        < Lịch sử xử lý
        > [Nhận xử lý]
        < Chị Lan đã nhận xử lý
        > [Trả lời]
        < Nhập nội dung trả lời cho {code}
        > Hồ sơ của Ông đã có kết quả, mời Ông đến Bộ phận Một cửa nhận trong giờ hành chính.
        < đã gửi trả lời tới người dân
        """
    )
    console = RecordingSender("console")
    telegram = RecordingSender("telegram")
    assert deliver(app, console, telegram) == 2  # the citizen's head message, the staff card
    assert deliver(app, console, telegram) == 1  # then the citizen's next one, in order
    assert deliver(app, console, telegram) == 0
    [card] = telegram.to(str(STAFF_CHAT))
    assert f"Phản ánh mới {code}" in card.text
    progress, answer, rating = console.to("an")
    assert "đang được cán bộ xử lý" in progress.text
    assert "mời Ông đến Bộ phận Một cửa" in answer.text
    assert [b.label for b in rating.all_buttons()] == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]

    citizen.receive([rating])
    citizen.play(
        f"""
        > [4 ⭐]
        < Cảm ơn Ông/Bà đã đánh giá 4/5
        > Cán bộ trả lời nhanh, cảm ơn
        < góp ý đã được ghi nhận
        > /tracuu {code}
        < Trạng thái: đã trả lời
        < Trả lời của
        < mời Ông đến Bộ phận Một cửa
        < Ông/Bà đã đánh giá: 4/5
        """
    )
    ticket = only_ticket(app)
    assert (ticket.status, ticket.rating, ticket.rating_comment) == (
        "answered",
        4,
        "Cán bộ trả lời nhanh, cảm ơn",
    )
    assert ticket.first_answered_at is not None
    assert ticket.version == 3
    with app.sessions() as session:
        events = session.scalars(select(TicketEvent).order_by(TicketEvent.id)).all()
        assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
            ("filed", None, "new", "citizen"),
            ("claim", "new", "in_progress", "Chị Lan"),
            ("answer", "in_progress", "answered", "Chị Lan"),
            ("rated", "answered", "answered", "citizen"),
            ("rating_comment", "answered", "answered", "citizen"),
        ]
        statuses = session.scalars(select(OutboxMessage.status)).all()
        assert set(statuses) == {"sent"}

    staff.play(f"> /dong {code}\n< đã đóng")
    with app.sessions() as session:  # already asked to rate: closing only tells the citizen
        last = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert last is not None
        assert len(last.payload) == 1
        assert "đã được đóng" in last.payload[0]["text"]


def test_staff_group_card_buttons_work_for_registered_telegram_staff(app: Services) -> None:
    add_staff(app, "777", "Anh Minh", channel="telegram")
    file_feedback(Chat(app, "an"))
    telegram = RecordingSender("telegram")
    deliver(app, telegram, RecordingSender("console"))
    [card] = telegram.to(str(STAFF_CHAT))
    claim = next(b for b in card.all_buttons() if b.label == "🙋 Nhận xử lý")
    [reply] = app.assistant.handle(Inbound("telegram", "777", payload=claim.payload))
    assert "Anh Minh đã nhận xử lý" in reply.text
    [refused] = app.assistant.handle(Inbound("telegram", "999", payload=claim.payload))
    assert "chỉ dành cho cán bộ" in refused.text
    reject = next(b for b in card.all_buttons() if "Không thuộc" in b.label)
    [stale, fresh] = app.assistant.handle(Inbound("telegram", "777", payload=reject.payload))
    assert "vừa được người khác cập nhật" in stale.text
    assert "đang xử lý" in stale.text
    reject = next(b for b in fresh.all_buttons() if "Không thuộc" in b.label)
    [ask] = app.assistant.handle(Inbound("telegram", "777", payload=reject.payload))
    assert "không thuộc thẩm quyền và nơi người dân cần liên hệ" in ask.text
    [done] = app.assistant.handle(
        Inbound(
            "telegram", "777", text="Việc cấp sổ đỏ do Văn phòng đăng ký đất đai huyện giải quyết."
        )
    )
    assert "không thuộc thẩm quyền" in done.text
    assert only_ticket(app).status == "rejected"


def test_transfer_shows_where_and_why_to_the_citizen(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    citizen = Chat(app, "an")
    code = file_feedback(citizen)
    Chat(app, "lan").play(
        f"""
        > /chuyen {code}
        < Cú pháp: /chuyen MÃ đơn vị | lý do
        > /chuyen {code} {"quên dấu phân cách nên cả đoạn dài này bị coi là tên đơn vị " * 3}
        < Cú pháp: /chuyen MÃ đơn vị | lý do
        > /xem {code}
        > [Chuyển]
        > {"vẫn quên dấu phân cách nên cả đoạn dài này bị coi là tên đơn vị " * 3}
        < Nhập đơn vị có thẩm quyền và lý do chuyển
        > Công an xã Hòa An | thuộc lĩnh vực cư trú
        < đã chuyển tới Công an xã Hòa An
        """
    )
    citizen.play(
        f"""
        > /tracuu {code}
        < Trạng thái: đã chuyển cơ quan có thẩm quyền
        < Đã chuyển tới: Công an xã Hòa An. Lý do: thuộc lĩnh vực cư trú
        """
    )
    with app.sessions() as session:
        ticket = session.scalars(select(Ticket)).one()
        assert (ticket.transferred_to, ticket.reason) == (
            "Công an xã Hòa An",
            "thuộc lĩnh vực cư trú",
        )
