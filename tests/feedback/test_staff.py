"""Staff commands and buttons: authorisation, filters, and two staff racing on one ticket."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from bot.feedback.models import Ticket, TicketEvent
from bot.feedback.tickets import Actor, act
from bot.messages import Inbound, Reply
from bot.outbox import OutboxMessage
from bot.runtime import Services
from tests.feedback.chat import Chat, add_staff, file_feedback, only_ticket


def test_only_registered_active_staff_can_act(app: Services) -> None:
    code = file_feedback(Chat(app, "an"))
    citizen = Chat(app, "an")
    for command in ("/inbox", f"/xem {code}", f"/traloi {code} xong rồi", f"/dong {code}"):
        citizen.type(command)
        assert "chỉ dành cho cán bộ" in citizen.last
    add_staff(app, "lan", "Chị Lan")
    Chat(app, "lan").play("> /inbox\n< Phản ánh đang mở: 1")
    with app.sessions.begin() as session:
        from bot.feedback.models import Staff

        session.scalars(select(Staff)).one().active = False
    Chat(app, "lan").play("> /inbox\n< chỉ dành cho cán bộ")
    assert only_ticket(app).status == "new"


def test_inbox_filters(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    add_staff(app, "minh", "Anh Minh")
    first = file_feedback(Chat(app, "an"))
    second = file_feedback(Chat(app, "binh"))
    Chat(app, "minh").type(f"/nhan {second}")
    with app.sessions.begin() as session:  # the first one is long overdue
        ticket = session.scalars(select(Ticket).where(Ticket.code == first)).one()
        ticket.due_date -= dt.timedelta(days=365)
    lan = Chat(app, "lan")
    lan.play(f"> /inbox mới\n< Phản ánh mới: 1\n< {first}")
    lan.play(f"> /inbox quá hạn\n< Phản ánh quá hạn: 1\n< {first}\n< ⚠️ quá hạn")
    lan.play("> /inbox của tôi\n< Phản ánh của tôi: 0")
    lan.play(f"> [của tôi]\n< Phản ánh của tôi: 0\n> [đang mở]\n< {second}")
    Chat(app, "minh").play(f"> /inbox cua toi\n< Phản ánh của tôi: 1\n< {second}")


def test_claiming_someone_elses_ticket_needs_an_admin(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    add_staff(app, "minh", "Anh Minh")
    add_staff(app, "chu-tich", "Ông Hùng", role="admin")
    code = file_feedback(Chat(app, "an"))
    Chat(app, "lan").play(f"> /nhan {code}\n< Chị Lan đã nhận xử lý")
    Chat(app, "minh").play(f"> /nhan {code}\n< chỉ quản trị viên")
    Chat(app, "chu-tich").play(f"> /nhan {code}\n< Ông Hùng đã nhận xử lý")


def test_typed_answer_can_be_cancelled_and_status_rules_hold(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    code = file_feedback(Chat(app, "an"))
    Chat(app, "lan").play(
        f"""
        > /xem {code}
        > [Trả lời]
        < Nhập nội dung trả lời
        > hủy
        < Đã thôi thao tác
        > /dong {code}
        < đã đóng
        > /traloi {code} muộn rồi
        < đang ở trạng thái “đã đóng”
        > /xem PA-2026-999999
        < Không có phản ánh mã PA-2026-999999
        > /xem
        < Cú pháp: /xem MÃ
        """
    )
    assert only_ticket(app).answer is None


def test_two_staff_pressing_the_same_button_one_wins_the_other_is_told(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    add_staff(app, "minh", "Anh Minh")
    code = file_feedback(Chat(app, "an"))
    ticket = only_ticket(app)
    payload = f"pst:close:{ticket.id}:{ticket.version}"
    results: dict[str, list[Reply]] = {}
    barrier = threading.Barrier(2)

    def press(user: str) -> None:
        barrier.wait()
        results[user] = app.assistant.handle(Inbound("console", user, payload=payload))

    threads = [threading.Thread(target=press, args=(u,)) for u in ("lan", "minh")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = sorted(replies[0].text for replies in results.values())
    assert sum(f"✅ {code}: đã đóng." in t for t in texts) == 1
    assert sum("vừa được người khác cập nhật" in t for t in texts) == 1
    with app.sessions() as session:
        closing = session.scalars(select(TicketEvent).where(TicketEvent.action == "close")).all()
        assert len(closing) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2  # card + 1
    assert only_ticket(app).version == 2


def test_two_sessions_with_the_same_version_the_second_update_changes_nothing(
    app: Services,
) -> None:
    add_staff(app, "lan", "Chị Lan")
    file_feedback(Chat(app, "an"))
    kb = app.matcher.kb
    with app.sessions() as first, app.sessions() as second:
        mine = first.scalars(select(Ticket)).one()
        theirs = second.scalars(select(Ticket)).one()
        assert mine.version == theirs.version == 1
        done = act(first, kb, mine, 1, Actor("Chị Lan", None), "answer", "Trả lời thứ nhất")
        first.commit()
        late = act(second, kb, theirs, 1, Actor("Anh Minh", None), "answer", "Trả lời thứ hai")
        second.commit()
    assert done.ok
    assert (late.ok, late.reason) == (False, "changed")
    ticket = only_ticket(app)
    assert (ticket.answer, ticket.version) == ("Trả lời thứ nhất", 2)


def test_full_view_of_a_long_ticket_is_split_to_fit_telegram(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    citizen = Chat(app, "an")
    citizen.play("> /phananh\n> [Khác]")
    citizen.type("Nội dung phản ánh rất dài. " * 350)  # ~9 500 characters
    citizen.play("> [Bỏ qua]\n> [Không để lại]\n> [Gửi phản ánh]")
    code = only_ticket(app).code
    replies = app.assistant.handle(Inbound("console", "lan", command="xem", args=code))
    assert len(replies) >= 3
    assert all(len(r.text) <= 3500 for r in replies)
    assert "".join(r.text for r in replies).count("Nội dung phản ánh rất dài.") == 350
    assert replies[-1].all_buttons()  # the actions come with the last part


def test_a_long_answer_reaches_the_citizen_in_parts_that_fit(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    code = file_feedback(Chat(app, "an"))
    answer = "Trả lời chi tiết từng bước.\n" * 200  # 5 600 characters
    Chat(app, "lan").type(f"/traloi {code} {answer}")
    with app.sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "an")).one()
    texts = [part["text"] for part in row.payload]
    assert len(texts) == 3  # two parts of the answer, then the rating prompt
    assert all(len(t) <= 3500 for t in texts)
    assert "".join(texts[:2]).count("Trả lời chi tiết từng bước.") == 200


def test_full_view_shows_the_phone_to_staff_only(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    code = file_feedback(Chat(app, "an"))
    staff = Chat(app, "lan")
    staff.type(f"/xem {code}")
    assert "0912 345 678" in staff.last
    stranger = Chat(app, "binh")
    stranger.type(f"/xem {code}")
    assert "0912" not in stranger.last
