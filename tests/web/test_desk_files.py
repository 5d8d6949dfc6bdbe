"""Citizens' files on the desk, through the Bot API of the fake Telegram, never active."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.feedback.models import Ticket
from bot.runtime import Services
from tests.telegram.fake_bot_api import FakeBotApi
from tests.web.desk_kit import Office, add_web_staff, citizen_ticket, log_in, serve_office

EVIL_FILE = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi() as running:
        yield running


@pytest.fixture
def office(services: Services, fake: FakeBotApi) -> Iterator[Office]:
    with serve_office(services, fake) as running:
        yield running


def test_attachments_are_fetched_and_never_served_as_active_content(
    office: Office, fake: FakeBotApi
) -> None:
    ticket_id = citizen_ticket(office.services, "Có ảnh và tệp.")
    with office.services.sessions.begin() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        ticket.attachments = [
            {"kind": "document", "ref": "DOC1", "name": "đơn <b>khiếu nại</b>.html"},
            {"kind": "photo", "ref": "PHOTO1", "name": ""},
            {"kind": "document", "ref": "GONE", "name": "mất.pdf"},
        ]
    fake.add_file(office.token, "DOC1", "documents/file_1.html", EVIL_FILE)
    fake.add_file(office.token, "PHOTO1", "photos/file_2.jpg", b"\xff\xd8\xff\xe0JFIF")
    add_web_staff(office.services, "lan")
    with httpx.Client(base_url=office.url, timeout=15) as anonymous:
        assert anonymous.get(f"/admin/items/{ticket_id}/files/0").status_code == 303
    with httpx.Client(base_url=office.url, timeout=15) as c:
        log_in(c, "lan")
        page = c.get(f"/admin/items/{ticket_id}").text
        assert f"/admin/items/{ticket_id}/files/0" in page
        assert "đơn &lt;b&gt;khiếu nại&lt;/b&gt;.html" in page
        document = c.get(f"/admin/items/{ticket_id}/files/0")
        assert document.status_code == 200
        assert document.content == EVIL_FILE
        assert document.headers["content-type"] == "application/octet-stream"
        assert document.headers["content-disposition"].startswith("attachment;")
        assert "sandbox" in document.headers["content-security-policy"]
        assert document.headers["x-content-type-options"] == "nosniff"
        photo = c.get(f"/admin/items/{ticket_id}/files/1")
        assert photo.headers["content-type"] == "image/jpeg"
        assert photo.content.startswith(b"\xff\xd8")
        gone = c.get(f"/admin/items/{ticket_id}/files/2")
        assert gone.status_code == 502
        assert "Không tải được tệp" in gone.text
        assert c.get(f"/admin/items/{ticket_id}/files/9").status_code == 404
