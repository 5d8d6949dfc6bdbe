"""Knowledge gaps over real HTTP: grouping, marks that hold, the draft entry, the try box."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import yaml

from bot.desk.gaps import Asked, group
from bot.models import AnswerRating, Contact, MessageLog, UnansweredQuestion, utcnow
from bot.runtime import Services
from knowledge.normaliser import fold
from tests.web.desk_kit import add_web_staff, csrf_of, log_in, running_desk

PERMIT = [
    "làm giấy phép xây dựng ở đâu",
    "lam giay phep xay dung o dau",
    "giấy phép xây dựng ở đâu",
]


@pytest.fixture
def desk(services: Services) -> Iterator[str]:
    with running_desk(services) as url:
        yield url


@contextmanager
def logged_in(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, follow_redirects=False, timeout=10) as client:
        assert log_in(client, "lan").status_code == 303
        yield client


def declined(services: Services, *texts: str, at: dt.datetime | None = None) -> None:
    with services.sessions.begin() as session:
        contact = Contact(channel="console", external_id=f"c{utcnow().timestamp()}")
        session.add(contact)
        session.flush()
        for text in texts:
            session.add(
                UnansweredQuestion(
                    contact_id=contact.id, text=text, lang="vi", created_at=at or utcnow()
                )
            )


def disliked(services: Services, text: str) -> None:
    with services.sessions.begin() as session:
        contact = Contact(channel="console", external_id=f"d{utcnow().timestamp()}")
        session.add(contact)
        session.flush()
        message = MessageLog(contact_id=contact.id, text=text, lang="vi", band="answer")
        session.add(message)
        session.flush()
        session.add(
            AnswerRating(
                contact_id=contact.id, message_id=message.id, intent="cu_tru", useful=False
            )
        )


def test_grouping_ignores_diacritics_and_ranks_by_frequency() -> None:
    now = utcnow()
    asked = [Asked(t, fold(t), now, "declined") for t in [*PERMIT, "mất sổ đỏ", "mat so do"]]
    asked.append(Asked("đăng ký nuôi chó", fold("đăng ký nuôi chó"), now, "declined"))
    found = group(asked, [])
    assert [g.count for g in found] == [3, 2, 1]
    assert found[0].head == PERMIT[0]


def test_gap_page_marks_and_draft(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    declined(services, *PERMIT, "đăng ký nuôi chó <script>alert(1)</script>")
    disliked(services, "tạm trú cho người thuê trọ cần gì")
    with logged_in(desk) as c:
        page = c.get("/admin/gaps").text
        assert page.index("làm giấy phép xây dựng") < page.index("tạm trú cho người thuê")
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;" in page
        key = fold(PERMIT[0])
        draft = c.get("/admin/gaps/draft", params={"key": key})
        assert draft.status_code == 200
        text = draft.text.split("readonly>")[1].split("</textarea>")[0]
        entry = yaml.safe_load(text.replace("&#34;", '"').replace("&#39;", "'"))[0]
        assert entry["questions"]["vi"][0] in PERMIT
        assert entry["id"] == "lam_giay_phep_xay_dung_o"  # six words
        near = c.get("/admin/gaps/draft", params={"key": key, "entry": "khong_co"}).text
        assert "Mục gần nhất theo trợ lý ảo" in near or "không thấy mục nào" in near
        cccd = fold("lam cccd o dau")
        declined(services, "lam cccd o dau")
        sample = c.get("/admin/gaps/draft", params={"key": cccd, "entry": "can_cuoc"}).text
        assert "knowledge/data/topics/can_cuoc.yaml" in sample
        assert "        - lam cccd o dau" in sample
        csrf = csrf_of(page)
        c.post("/admin/gaps/mark", data={"csrf": csrf, "key": key, "status": "ignored"})
        chó = fold("đăng ký nuôi chó <script>alert(1)</script>")
        c.post("/admin/gaps/mark", data={"csrf": csrf, "key": chó, "status": "handled"})
        page = c.get("/admin/gaps").text
        assert "giấy phép xây dựng" not in page
        assert "nuôi chó" not in page
        later = utcnow() + dt.timedelta(seconds=5)
        declined(services, "xin giấy phép xây dựng ở đâu", "đăng ký nuôi chó", at=later)
        page = c.get("/admin/gaps").text
        assert "giấy phép xây dựng" not in page  # ignored stays ignored
        assert "đăng ký nuôi chó" in page  # handled, but asked again since
        assert "đã xử lý trước đây" in page


def test_try_a_question(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with logged_in(desk) as c:
        page = c.get("/admin/try", params={"q": "lam cccd"}).text
        assert "<code>can_cuoc</code>" in page
        assert "Trả lời" in page
        refused = c.get("/admin/try", params={"q": "<b>giá vàng</b> hôm nay"}).text
        assert "&lt;b&gt;giá vàng" in refused
