"""The feedback desk over real HTTP: search without diacritics, safe rendering, actions
through the same ticket operations as Telegram, and roles that ids in URLs cannot bypass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import select

from bot.feedback.duedates import office_today
from bot.feedback.models import Ticket, TicketEvent
from bot.outbox import HELD, OutboxMessage
from bot.runtime import Services
from tests.feedback.chat import Chat, file_feedback
from tests.web.desk_kit import add_web_staff, citizen_ticket, csrf_of, log_in, running_desk

EVIL = 'Đường bị ngập <script>alert("x")</script><img src=x onerror="alert(1)">'


@pytest.fixture
def desk(services: Services) -> Iterator[str]:
    with running_desk(services) as url:
        yield url


@contextmanager
def logged_in(url: str, login: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, follow_redirects=False, timeout=10) as client:
        assert log_in(client, login).status_code == 303
        yield client


def test_search_finds_an_item_typed_without_diacritics(services: Services, desk: str) -> None:
    citizen_ticket(services, "Đường làng bị ngập sau mưa lớn.")
    citizen_ticket(services, "Thái độ cán bộ chưa đúng mực.", code="PA-2026-000102")
    add_web_staff(services, "lan")
    with logged_in(desk, "lan") as c:
        for query in ("duong ngap", "ngập", "NGAP"):
            page = c.get("/admin/items", params={"q": query}).text
            assert "PA-2026-000101" in page
            assert "PA-2026-000102" not in page
        assert "PA-2026-000102" in c.get("/admin/items", params={"q": "thai do"}).text
        assert "PA-2026-000101" in c.get("/admin/items", params={"area": "thon dong"}).text
        assert "PA-2026-000101" not in c.get("/admin/items", params={"status": "closed"}).text
        today = office_today()
        since_today = c.get("/admin/items", params={"from": f"{today:%d/%m/%Y}"}).text
        assert "PA-2026-000101" in since_today
        assert f'value="{today:%d/%m/%Y}"' in since_today  # shown back as typed
        before = c.get("/admin/items", params={"to": f"{today - dt.timedelta(days=1):%d/%m/%Y}"})
        assert "PA-2026-000101" not in before.text


def test_citizen_text_is_rendered_inert(services: Services, desk: str) -> None:
    ticket_id = citizen_ticket(services, EVIL)
    add_web_staff(services, "lan")
    with logged_in(desk, "lan") as c:
        for path in (f"/admin/items/{ticket_id}", "/admin/items"):
            page = c.get(path).text
            assert "<script>alert" not in page
            assert "<img src=x" not in page
            assert "<svg onload" not in page
            assert "&lt;script&gt;" in page
        assert "&lt;svg onload=alert(1)&gt;.pdf" in c.get(f"/admin/items/{ticket_id}").text


def test_a_web_answer_reaches_the_citizen_through_the_outbox(
    services: Services, desk: str
) -> None:
    ticket_id = citizen_ticket(services, "Đường làng bị ngập.")
    add_web_staff(services, "lan", name="Nguyễn Thị Lan")
    with logged_in(desk, "lan") as c:
        page = c.get(f"/admin/items/{ticket_id}").text
        form = {"csrf": csrf_of(page), "version": "1", "verb": "answer"}
        form["content"] = "Xã đã cho khơi thông cống, nước đã rút."
        done = c.post(f"/admin/items/{ticket_id}/act", data=form)
        assert done.status_code == 303
        assert "notice=done" in done.headers["location"]
        again = c.post(f"/admin/items/{ticket_id}/act", data={**form, "verb": "close"})
        assert "notice=changed" in again.headers["location"]  # version 1 is stale now
        shown = c.get(f"/admin/items/{ticket_id}").text
        assert "Xã đã cho khơi thông cống" in shown
        assert "Nguyễn Thị Lan" in shown  # in the history
    with services.sessions() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        assert (ticket.status, ticket.version) == ("answered", 2)
        events = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id))
        assert [(e.action, e.actor) for e in events] == [("answer", "Nguyễn Thị Lan")]
        rows = session.scalars(select(OutboxMessage)).all()
        assert [(r.channel, r.recipient) for r in rows] == [("telegram", "0101")]
        assert "khơi thông cống" in rows[0].payload[0]["text"]


def test_transfer_and_reject_need_a_reason(services: Services, desk: str) -> None:
    ticket_id = citizen_ticket(services, "Tranh chấp đất đai với hàng xóm.")
    add_web_staff(services, "lan")
    with logged_in(desk, "lan") as c:
        csrf = csrf_of(c.get(f"/admin/items/{ticket_id}").text)
        base = {"csrf": csrf, "version": "1"}
        empty = c.post(f"/admin/items/{ticket_id}/act", data={**base, "verb": "reject"})
        assert "notice=empty" in empty.headers["location"]
        canned = {**base, "verb": "answer", "content": "", "canned": "99"}
        empty = c.post(f"/admin/items/{ticket_id}/act", data=canned)
        assert "notice=empty" in empty.headers["location"]
        no_unit = {**base, "verb": "transfer", "content": "Thuộc lĩnh vực đất đai"}
        assert (
            "notice=unit"
            in c.post(f"/admin/items/{ticket_id}/act", data=no_unit).headers["location"]
        )
        transfer = {**no_unit, "unit": "Phòng Tài nguyên và Môi trường"}
        done = c.post(f"/admin/items/{ticket_id}/act", data=transfer)
        assert "notice=done" in done.headers["location"]
    with services.sessions() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        assert ticket.transferred_to == "Phòng Tài nguyên và Môi trường"
        assert ticket.reason == "Thuộc lĩnh vực đất đai"


def test_a_canned_reply_is_sent_when_the_box_is_empty(services: Services, desk: str) -> None:
    ticket_id = citizen_ticket(services, "Hồ sơ khai sinh trễ hẹn.")
    add_web_staff(services, "lan")
    with logged_in(desk, "lan") as c:
        page = c.get(f"/admin/items/{ticket_id}").text
        assert "Đã xử lý xong" in page
        form = {"csrf": csrf_of(page), "version": "1", "verb": "answer", "content": ""}
        done = c.post(f"/admin/items/{ticket_id}/act", data={**form, "canned": "1"})
        assert "notice=done" in done.headers["location"]
    with services.sessions() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        assert ticket.answer is not None
        assert ticket.answer.startswith("Nội dung Ông/Bà phản ánh đã được")


def test_ids_in_urls_do_not_let_staff_act_as_admin(services: Services, desk: str) -> None:
    ticket_id = citizen_ticket(services, "Đèn đường hỏng.")
    add_web_staff(services, "lan", role="staff")
    admin_id = add_web_staff(services, "minh", role="admin")
    other = add_web_staff(services, "hoa", role="staff")
    with logged_in(desk, "minh") as admin:
        csrf = csrf_of(admin.get(f"/admin/items/{ticket_id}").text)
        assign = {"csrf": csrf, "version": "1", "verb": "assign", "assignee": str(other)}
        assert (
            "notice=done"
            in admin.post(f"/admin/items/{ticket_id}/act", data=assign).headers["location"]
        )
    with logged_in(desk, "lan") as c:
        csrf = csrf_of(c.get(f"/admin/items/{ticket_id}").text)
        removing = c.post(f"/admin/staff/{admin_id}/remove", data={"csrf": csrf})
        assert removing.status_code == 403
        claim = {"csrf": csrf, "version": "2", "verb": "claim"}
        taken = c.post(f"/admin/items/{ticket_id}/act", data=claim)
        assert "notice=admin" in taken.headers["location"]  # someone else's item
        assign = {**claim, "verb": "assign", "assignee": "1"}
        assert (
            "notice=admin"
            in c.post(f"/admin/items/{ticket_id}/act", data=assign).headers["location"]
        )
        assert c.get("/admin/items/999999").status_code == 404
    with services.sessions() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        assert ticket.assignee_id == other


def test_a_citizen_adds_information_from_the_chat_and_staff_see_it(
    services: Services, desk: str
) -> None:
    citizen = Chat(services, "an")
    code = file_feedback(citizen)
    citizen.type(f"/tracuu {code}")
    citizen.press("Bổ sung thông tin")
    assert "thông tin bổ sung" in citizen.last
    citizen.type("Cống ở đầu ngõ 5 <b>bị tắc</b> từ hôm thứ Hai.")
    assert f"Đã ghi nhận thông tin bổ sung cho phản ánh {code}" in citizen.last
    citizen.type("hỏi thêm gì đó")  # the flow ended: an ordinary message again
    assert "Đã ghi nhận" not in citizen.last
    with services.sessions() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.code == code)).one()
        ticket_id, status = ticket.id, ticket.status
    assert status == "new"
    add_web_staff(services, "lan")
    with logged_in(desk, "lan") as c:
        page = c.get(f"/admin/items/{ticket_id}").text
    assert "Người dân bổ sung" in page
    assert "Cống ở đầu ngõ 5 &lt;b&gt;bị tắc&lt;/b&gt;" in page
    other = Chat(services, "binh")
    other.type(f"/tracuu {code}")
    assert "Bổ sung thông tin" not in other.last  # not theirs: not even found


def test_an_answer_zalo_would_not_take_is_flagged_on_the_item_page(
    services: Services, desk: str
) -> None:
    ticket_id = citizen_ticket(services, "Đèn đường hỏng.")
    add_web_staff(services, "lan")
    with logged_in(desk, "lan") as c:
        assert "Không gửi được" not in c.get(f"/admin/items/{ticket_id}").text
        with services.sessions.begin() as session:
            session.add(
                OutboxMessage(
                    channel="zalo",
                    recipient="7777",
                    payload=[{"text": "Trả lời"}],
                    status=HELD,
                    idempotency_key=f"ticket:{ticket_id}:v2",
                )
            )
        page = c.get(f"/admin/items/{ticket_id}").text
        assert "Không gửi được qua Zalo" in page
        assert "gọi điện cho người dân" in page
