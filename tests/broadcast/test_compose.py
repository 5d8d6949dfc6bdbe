"""/thongbao: staff compose, preview, choose the audience and a time, confirm, follow, cancel;
the draft lives in the database; nobody else may broadcast."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.broadcast.compose import parse_time, split_text
from bot.broadcast.models import Announcement, AnnouncementEvent
from bot.feedback.workdays import OFFICE_TZ
from bot.models import DialogueState, utcnow
from bot.outbox import OutboxMessage, load_replies
from bot.runtime import Services
from tests.broadcast.helpers import add_staff, add_subscribers, press, say

STAFF = "900"


def _staff_says(services: Services, text: str = "", **kw: str) -> list[str]:
    return [r.text for r in say(services, STAFF, text, channel="console", **kw)]


def _staff_presses(services: Services, payload: str) -> list[str]:
    return [r.text for r in press(services, STAFF, payload, channel="console")]


def test_only_staff_in_a_private_chat_may_broadcast(services: Services) -> None:
    add_staff(services)
    [refused] = say(services, "123", command="thongbao", channel="console")
    assert "Chỉ cán bộ" in refused.text
    [in_group] = say(services, STAFF, command="thongbao", channel="console", group="-100")
    assert "tin nhắn riêng" in in_group.text
    [pressed] = press(services, "123", "bcm:send", channel="console")
    assert "Chỉ cán bộ" in pressed.text


def test_compose_preview_area_time_confirm_then_cancel(services: Services) -> None:
    add_staff(services)
    add_subscribers(services, 3, area="thon_dong")
    add_subscribers(services, 2, start=10)
    [ask] = _staff_says(services, command="thongbao")
    assert "nội dung thông báo" in ask
    assert "không gửi tới người dân dùng Zalo" in ask  # the platform's limit, said to staff
    preview, card = _staff_says(
        services,
        "Từ 15/12 Bộ phận Một cửa làm việc sáng thứ Bảy.\nLiên kết: https://hoaan.example.gov.vn/t/1",
    )
    assert preview.startswith("Xem trước:")
    assert "Xem thêm: https://hoaan.example.gov.vn/t/1" in preview
    assert "tất cả người đăng ký — 5 người" in card
    assert "Zalo" in card
    with services.sessions() as session:  # the draft is stored, not kept in memory
        state = session.scalars(select(DialogueState)).one()
        assert (state.flow, state.step) == ("broadcast", "review")

    [areas] = _staff_presses(services, "bcm:areas")
    assert "Chọn khu vực" in areas
    _staff_presses(services, "bcm:a:thon_dong")
    _, card = _staff_presses(services, "bcm:back")
    assert "khu vực Thôn Đông (ví dụ) — 3 người" in card

    _staff_presses(services, "bcm:time")
    later = (utcnow() + dt.timedelta(days=2)).astimezone(OFFICE_TZ)
    _, card = _staff_says(services, later.strftime("%H:%M %d/%m/%Y"))
    assert later.strftime("%H:%M %d/%m/%Y") in card
    [sent] = _staff_presses(services, "bcm:send")
    assert "đã hẹn giờ" in sent
    with services.sessions() as session:
        item = session.scalars(select(Announcement)).one()
        assert (item.status, item.areas, item.link) == (
            "scheduled",
            ["thon_dong"],
            "https://hoaan.example.gov.vn/t/1",
        )
        assert session.scalars(select(DialogueState)).all() == []
    [shown] = _staff_says(services, command="thongbao", args=f"xem {item.id}")
    assert "đã hẹn giờ" in shown
    [cancelled] = _staff_says(services, command="thongbao", args=f"huy {item.id}")
    assert f"Đã dừng thông báo #{item.id}" in cancelled
    [listed] = _staff_says(services, command="thongbao", args="ds")
    assert f"#{item.id} [cancelled]" in listed
    with services.sessions() as session:
        trail = session.scalars(select(AnnouncementEvent.action).order_by(AnnouncementEvent.id))
        assert list(trail) == ["create", "schedule", "cancel"]


def test_send_now_then_progress_in_place(services: Services) -> None:
    add_staff(services)
    add_subscribers(services, 4)
    _staff_says(services, command="thongbao")
    _staff_says(services, "Tháng 12 miễn lệ phí cấp bản sao trích lục khai sinh trực tuyến.")
    [started] = press(services, STAFF, "bcm:send", channel="console")
    assert "đang được gửi" in started.text
    with services.sessions() as session:  # the status card goes through the outbox
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == STAFF))
        [card] = load_replies(row.one().payload)
    assert "đang chờ 4" in card.text
    refresh = next(b.payload for b in card.all_buttons() if "Cập nhật" in b.label)
    [status] = _staff_presses(services, refresh)
    assert "đang gửi" in status
    assert "đang chờ 4" in status


def test_typing_huy_leaves_and_a_bad_time_is_asked_again(services: Services) -> None:
    add_staff(services)
    _staff_says(services, command="thongbao")
    _staff_says(services, "Nội dung thử")
    _staff_presses(services, "bcm:time")
    [again] = _staff_says(services, "mai nhé")
    assert "Chưa hiểu thời điểm" in again
    [left] = _staff_says(services, "hủy")
    assert "Đã hủy soạn" in left
    [expired] = _staff_presses(services, "bcm:send")
    assert "hết hạn" in expired


def test_text_link_and_picture_lines_and_times() -> None:
    assert split_text("Tin mới\nẢnh: https://x.vn/a.jpg\nLink: https://x.vn") == (
        "Tin mới",
        "https://x.vn",
        "https://x.vn/a.jpg",
    )
    now = utcnow()
    past = (now - dt.timedelta(hours=1)).astimezone(OFFICE_TZ).strftime("%H:%M %d/%m/%Y")
    assert parse_time(past, now) is None
