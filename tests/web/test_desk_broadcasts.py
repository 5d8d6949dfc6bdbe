"""Broadcast pages over real HTTP (SQLite and PostgreSQL): staff only, CSRF refused, the same
announcement rows as the CLI, preview, cancel, and progress figures that match the outbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import select, update

from bot.broadcast.expander import Expander
from bot.broadcast.models import Announcement, AnnouncementEvent
from bot.cli import main
from bot.desk.models import DeskAudit
from bot.models import utcnow
from bot.outbox import BLOCKED, FAILED, SENT, OutboxMessage
from bot.runtime import Services
from tests.broadcast.helpers import add_subscribers
from tests.web.desk_kit import add_web_staff, csrf_of, log_in, running_desk

TEXT = "Từ ngày 15/12, Bộ phận Một cửa làm việc cả sáng thứ Bảy."
COLUMNS = ("kind", "text", "link", "image_url", "topics", "areas", "status", "audience_size")


@pytest.fixture
def desk(services: Services) -> Iterator[str]:
    with running_desk(services) as url:
        yield url


@contextmanager
def logged_in(url: str, login: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, follow_redirects=False, timeout=10) as client:
        assert log_in(client, login).status_code == 303
        yield client


def compose(client: httpx.Client, **fields: str) -> httpx.Response:
    page = client.get("/admin/broadcasts/new")
    assert page.status_code == 200
    return client.post("/admin/broadcasts/new", data={"csrf": csrf_of(page.text), **fields})


def act(client: httpx.Client, announcement_id: int, verb: str) -> httpx.Response:
    page = client.get(f"/admin/broadcasts/{announcement_id}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "no action form on the page"
    data = {"csrf": csrf_of(page), "version": version.group(1), "verb": verb}
    return client.post(f"/admin/broadcasts/{announcement_id}/act", data=data)


def columns(services: Services, announcement_id: int) -> tuple[object, ...]:
    with services.sessions() as session:
        item = session.get(Announcement, announcement_id)
        assert item is not None
        return tuple(getattr(item, name) for name in COLUMNS)


def test_pages_need_a_login_and_forms_need_the_token(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with httpx.Client(base_url=desk, follow_redirects=False, timeout=10) as anonymous:
        assert anonymous.get("/admin/broadcasts").status_code == 303
        assert anonymous.post("/admin/broadcasts/new", data={"text": TEXT}).status_code == 401
    with logged_in(desk, "lan") as c:
        refused = c.post("/admin/broadcasts/new", data={"csrf": "forged", "text": TEXT})
        assert refused.status_code == 403
        made = compose(c, text=TEXT, audience="everyone")
        assert made.status_code == 303
        announcement_id = int(made.headers["location"].rsplit("/", 1)[1])
        page = c.get(f"/admin/broadcasts/{announcement_id}").text
        forged = {"csrf": "forged", "version": "1", "verb": "confirm"}
        assert c.post(f"/admin/broadcasts/{announcement_id}/act", data=forged).status_code == 403
        assert "Zalo" in c.get("/admin/broadcasts/new").text  # they do not receive it
        assert "Bản nháp" in page
    assert columns(services, announcement_id)[6] == "draft"
    with services.sessions() as session:
        audited = set(session.scalars(select(DeskAudit.action)))
    assert {"csrf_refused", "broadcast_create"} <= audited


def test_compose_preview_confirm_make_the_same_rows_as_the_cli(
    services: Services, desk: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)
    add_subscribers(services, 3, channel="telegram", area="thon_nam")
    add_subscribers(services, 2, channel="telegram", start=100)
    add_web_staff(services, "lan")
    link, image = "https://dichvucong.gov.vn", "https://example.org/a.jpg"
    with logged_in(desk, "lan") as c:
        bad = compose(c, text=TEXT, audience="some", send_at="31/02/2026 08:00")
        assert bad.status_code == 400
        assert "Xin chọn ít nhất một chủ đề" in bad.text
        assert "NGÀY/THÁNG/NĂM" in bad.text
        fields = {"text": TEXT, "link": link, "image": image, "audience": "some"}
        made = compose(c, **fields, **{"area:thon_nam": "1"})
        web_id = int(made.headers["location"].rsplit("/", 1)[1])
        preview = c.get(f"/admin/broadcasts/{web_id}").text
        assert TEXT in preview
        assert link in preview
        assert image in preview
        assert "Xác nhận gửi đến 3 người" in preview
        assert "Gửi thử đến Telegram" not in preview  # a web-only login has no chat
        assert act(c, web_id, "confirm").headers["location"].endswith("notice=running")
        assert "Đang gửi" in c.get(f"/admin/broadcasts/{web_id}").text
    args = ["--text", TEXT, "--link", link, "--image", image, "--area", "thon_nam"]
    assert (
        main(["broadcast", "create", "--as", "lan", "--channel", "web", *args, "--confirm"]) == 0
    )
    cli_id = web_id + 1
    assert columns(services, web_id) == columns(services, cli_id)
    with services.sessions() as session:
        trail = session.scalars(
            select(AnnouncementEvent.action)
            .where(AnnouncementEvent.announcement_id == web_id)
            .order_by(AnnouncementEvent.id)
        )
        assert list(trail) == ["create", "start"]


def test_cancel_and_the_progress_page_match_the_outbox(services: Services, desk: str) -> None:
    add_subscribers(services, 6, channel="telegram", area="thon_dong")
    add_web_staff(services, "lan")
    with logged_in(desk, "lan") as c:
        made = compose(c, text=TEXT, audience="some", **{"area:thon_dong": "1"})
        announcement_id = int(made.headers["location"].rsplit("/", 1)[1])
        act(c, announcement_id, "confirm")
        # "Hủy bản nháp" pressed on the draft's page, now stale: it must not stop the sending
        stale = act_with_version(c, announcement_id, "1")
        assert stale.headers["location"].endswith("error=stale")
        assert columns(services, announcement_id)[6] == "running"
        with services.sessions.begin() as session:
            assert Expander()(session, utcnow()) == 6
            ids = list(session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
            for status, chosen in ((SENT, ids[:3]), (BLOCKED, ids[3:4]), (FAILED, ids[4:5])):
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(chosen))
                    .values(status=status, sent_at=utcnow())
                )
        page = c.get(f"/admin/broadcasts/{announcement_id}").text
        assert '<meta http-equiv="refresh"' in page  # live while it runs
        assert '<td id="sent">3/6</td>' in page
        assert '<td id="blocked">1</td>' in page
        assert '<td id="failed">1</td>' in page
        assert '<td id="pending">1</td>' in page
        listing = c.get("/admin/broadcasts").text
        assert "3/6" in listing
        assert "Khu vực: Thôn Đông" in listing
        assert act(c, announcement_id, "cancel").headers["location"].endswith("cancelled")
        final = c.get(f"/admin/broadcasts/{announcement_id}").text
        assert "(tổng kết)" in final
        assert "refresh" not in final
        assert '<td id="cancelled">1</td>' in final
        assert '<td id="pending">0</td>' in final
        assert "Dừng gửi" not in final
        assert "(đã hủy): đã gửi 3/6, lỗi 1, bị chặn 1" in final  # the core's summary
        stale = act_with_version(c, announcement_id, "1")
        assert stale.headers["location"].endswith("error=stale")


def act_with_version(client: httpx.Client, announcement_id: int, version: str) -> httpx.Response:
    page = client.get(f"/admin/broadcasts/{announcement_id}").text
    data = {"csrf": csrf_of(page), "version": version, "verb": "cancel"}
    return client.post(f"/admin/broadcasts/{announcement_id}/act", data=data)


def test_preview_goes_to_the_staff_members_own_telegram_chat(
    services: Services, desk: str
) -> None:
    from bot.desk.accounts import give_login
    from bot.feedback.models import Staff

    with services.sessions.begin() as session:
        staff = Staff(channel="telegram", external_id="900", name="Chị Lan", role="staff")
        session.add(staff)
        session.flush()
        give_login(session, staff, "lan", "mật-khẩu-đủ-dài-1")
    with logged_in(desk, "lan") as c:
        made = compose(c, text=TEXT, audience="everyone", send_at="01/01/2999 08:00")
        announcement_id = int(made.headers["location"].rsplit("/", 1)[1])
        assert "Gửi thử đến Telegram của tôi" in c.get(made.headers["location"]).text
        assert act(c, announcement_id, "preview").headers["location"].endswith("preview")
        assert act(c, announcement_id, "confirm").headers["location"].endswith("scheduled")
        assert "01/01/2999 08:00" in c.get("/admin/broadcasts").text
    with services.sessions() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        assert (row.channel, row.recipient, row.priority) == ("telegram", "900", 0)
        assert TEXT in row.payload[0]["text"]
