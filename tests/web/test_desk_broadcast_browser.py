"""Broadcasts in real headless Chromium: compose an announcement to one area, see the preview,
confirm it, watch the progress page, and see it delivered on the fake Telegram server — only to
that area's subscribers.

No asyncio test in this module (the `browser` fixture holds an event loop on this thread).
Screenshots: build/screenshots/desk-broadcast-*.png.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.runtime import Services
from tests.broadcast.helpers import add_subscribers
from tests.browser import DESKTOP, screenshot
from tests.telegram.fake_bot_api import FakeBotApi
from tests.web.desk_kit import PASSWORD, Office, add_web_staff, serve_office

TEXT = "Từ ngày 15/12, Bộ phận Một cửa tiếp nhận hồ sơ cả sáng thứ Bảy."
IN_AREA = [7001, 7002, 7003]  # chose Thôn Nam
ELSEWHERE = [7101, 7102]  # chose Thôn Đông


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi() as running:
        yield running


@pytest.fixture
def office(services: Services, fake: FakeBotApi) -> Iterator[Office]:
    add_subscribers(services, 3, channel="telegram", area="thon_nam", start=IN_AREA[0])
    add_subscribers(services, 2, channel="telegram", area="thon_dong", start=ELSEWHERE[0])
    with serve_office(services, fake, *IN_AREA, *ELSEWHERE) as running:
        yield running


def log_in(page: Page, office: Office, login: str) -> None:
    page.goto(f"{office.url}/admin/broadcasts")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Thông báo đến người đăng ký")).to_be_visible()


def delivered(fake: FakeBotApi, token: str, chats: list[int], timeout: float = 20.0) -> set[int]:
    """The chats among `chats` that received TEXT (waiting for the outbox)."""
    deadline = time.monotonic() + timeout
    while True:
        got = {
            int(str(call.params.get("chat_id")))
            for call in fake.calls(token, "sendMessage")
            if call.ok and TEXT in str(call.params.get("text", ""))
        }
        if set(chats) <= got or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_an_announcement_to_one_area_is_delivered_on_telegram(
    browser: Browser, office: Office, fake: FakeBotApi
) -> None:
    add_web_staff(office.services, "lan", name="Nguyễn Thị Lan")
    page = browser.new_page(viewport=DESKTOP)
    try:
        log_in(page, office, "lan")
        page.get_by_role("link", name="Soạn thông báo mới").click()
        expect(page.get_by_role("note")).to_contain_text("Zalo")
        page.get_by_label("Nội dung").fill(TEXT)
        page.get_by_label("Liên kết (không bắt buộc)").fill("https://dichvucong.gov.vn")
        page.get_by_label("Chỉ những người chọn").check()
        page.get_by_label("Thôn Nam").check()
        screenshot(page, "desk-broadcast-compose")
        page.get_by_role("button", name="Xem trước").click()
        preview = page.locator("#preview")
        expect(preview).to_contain_text(TEXT)
        expect(preview).to_contain_text("https://dichvucong.gov.vn")
        expect(page.get_by_text("hiện có 3 người")).to_be_visible()
        screenshot(page, "desk-broadcast-preview")
        page.get_by_role("button", name="Xác nhận gửi đến 3 người").click()
        expect(page.get_by_role("status")).to_have_text("Đã bắt đầu gửi thông báo.")
        got = delivered(fake, office.token, IN_AREA)
        assert set(IN_AREA) <= got
        assert not got & set(ELSEWHERE)  # another area's subscribers are not messaged
        deadline = time.monotonic() + 15
        while "Đã gửi xong" not in page.locator("h1").inner_text():
            assert time.monotonic() < deadline, "the announcement never finished"
            time.sleep(0.5)
            page.reload()
        expect(page.locator("#sent")).to_have_text("3/3")
        expect(page.locator("#pending")).to_have_text("0")
        screenshot(page, "desk-broadcast-done")
        page.get_by_role("link", name="Danh sách thông báo").click()
        expect(page.get_by_role("cell", name="Khu vực: Thôn Nam")).to_be_visible()
        screenshot(page, "desk-broadcast-list")
    finally:
        page.close()
