"""The desk in real headless Chromium: log in, find an item by a word typed without
diacritics, answer it, and see the citizen's message arrive on the fake Telegram server.

No asyncio test in this module: the `browser` fixture (Playwright's sync API) holds an event
loop on this thread for the module's lifetime. Screenshots go to build/screenshots/desk-*.png.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from bot.models import Contact, UnansweredQuestion
from bot.runtime import Services
from tests.browser import DESKTOP, PHONE, screenshot
from tests.telegram.fake_bot_api import FakeBotApi
from tests.web.desk_kit import PASSWORD, Office, add_web_staff, citizen_ticket, serve_office

CODE = "PA-2026-004321"
CITIZEN = 4321  # the ticket's citizen on Telegram (the code's last digits)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi() as running:
        yield running


@pytest.fixture
def office(services: Services, fake: FakeBotApi) -> Iterator[Office]:
    """`cchc-bot serve` as wired for real: Telegram webhook, outbox dispatcher and the desk."""
    with serve_office(services, fake, CITIZEN) as running:
        yield running


def log_in(page: Page, office: Office, login: str) -> None:
    page.goto(f"{office.url}/admin/items")
    expect(page).to_have_url(f"{office.url}/admin/login?next=/admin/items")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Phản ánh – kiến nghị")).to_be_visible()


def test_staff_answers_an_item_and_the_citizen_is_told_on_telegram(
    browser: Browser, office: Office, fake: FakeBotApi
) -> None:
    evil = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"
    citizen_ticket(office.services, f"Đường làng bị ngập sâu sau mưa. {evil}", code=CODE)
    citizen_ticket(office.services, "Thái độ cán bộ một cửa chưa tốt.", code="PA-2026-000007")
    add_web_staff(office.services, "lan", name="Nguyễn Thị Lan")
    page = browser.new_page(viewport=DESKTOP)
    try:
        log_in(page, office, "lan")
        page.get_by_label("Tìm kiếm (có hoặc không dấu)").fill("duong ngap")
        page.get_by_role("button", name="Lọc").click()
        expect(page.get_by_role("link", name=CODE)).to_be_visible()
        expect(page.get_by_role("link", name="PA-2026-000007")).to_have_count(0)
        screenshot(page, "desk-list")
        page.get_by_role("link", name=CODE).click()
        expect(page.get_by_role("heading", name=f"Phản ánh {CODE}")).to_be_visible()
        assert page.title() != "pwned"  # the onerror attribute is text, not markup
        page.get_by_label("Nội dung trả lời").fill("Xã đã khơi thông cống, nước đã rút hết.")
        page.get_by_role("button", name="Trả lời").last.click()
        expect(page.get_by_role("status")).to_have_text("Đã thực hiện.")
        expect(page.get_by_text("Xã đã khơi thông cống").first).to_be_visible()
        screenshot(page, "desk-item")
        sent = _citizen_messages(fake, office.token)
        assert any("Xã đã khơi thông cống" in text for text in sent), sent
        page.set_viewport_size(PHONE)
        page.goto(f"{office.url}/admin/items")
        screenshot(page, "desk-list-phone")
    finally:
        page.close()


def test_gaps_draft_report_and_dashboard_in_the_browser(
    browser: Browser, office: Office, tmp_path: Path
) -> None:
    add_web_staff(office.services, "lan", name="Nguyễn Thị Lan")
    declined(office.services, "làm giấy phép xây dựng ở đâu", "lam giay phep xay dung o dau")
    citizen_ticket(office.services, "Đèn đường thôn Bắc bị hỏng.", code="PA-2026-000555")
    page = browser.new_page(viewport=DESKTOP, accept_downloads=True)
    try:
        log_in(page, office, "lan")
        page.get_by_role("link", name="Câu hỏi chưa trả lời").click()
        group = page.get_by_role("article").filter(has_text="làm giấy phép xây dựng ở đâu")
        expect(group).to_contain_text("2 lần hỏi")
        screenshot(page, "desk-gaps")
        group.get_by_role("link", name="Tạo mục kiến thức nháp").click()
        draft = page.get_by_label("YAML").input_value()
        entry = yaml.safe_load(draft)[0]
        assert "lam giay phep xay dung o dau" in entry["questions"]["vi"]
        screenshot(page, "desk-draft")
        page.get_by_role("link", name="Báo cáo").click()
        expect(page.get_by_role("heading", name="Tổng hợp")).to_be_visible()
        with page.expect_download() as waiting:
            page.get_by_role("link", name="Tải về Excel (XLSX)").click()
        saved = tmp_path / waiting.value.suggested_filename
        waiting.value.save_as(saved)
        book = load_workbook(saved)
        assert "Tổng hợp" in book.sheetnames
        screenshot(page, "desk-report")
        page.get_by_role("link", name="Tổng quan").click()
        charts = page.locator("figure svg")
        expect(charts).to_have_count(4)
        assert charts.first.bounding_box() is not None
        assert page.locator("figure svg rect").count() > 0  # this week's bar
        screenshot(page, "desk-dashboard")
    finally:
        page.close()


def declined(services: Services, *texts: str) -> None:
    """Questions the bot declined, from one citizen."""
    with services.sessions.begin() as session:
        contact = Contact(channel="telegram", external_id="9001")
        session.add(contact)
        session.flush()
        session.add_all(
            UnansweredQuestion(contact_id=contact.id, text=text, lang="vi") for text in texts
        )


def _citizen_messages(fake: FakeBotApi, token: str, timeout: float = 15.0) -> list[str]:
    """What the fake Telegram delivered to the citizen (waiting for the outbox)."""
    deadline = time.monotonic() + timeout
    while True:
        texts = [
            str(call.params.get("text", ""))
            for call in fake.calls(token, "sendMessage")
            if str(call.params.get("chat_id")) == str(CITIZEN) and call.ok
        ]
        if texts or time.monotonic() > deadline:
            return texts
        time.sleep(0.1)
