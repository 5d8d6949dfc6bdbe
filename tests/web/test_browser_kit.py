"""The browser kit itself: the system Chromium starts, runs script, and clicks."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.browser import PHONE, screenshot


def test_chromium_runs_script_and_clicks(browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    page.set_content(
        "<button id=b onclick=\"this.textContent='đã bấm'\">bấm</button>", wait_until="load"
    )
    page.click("#b")
    assert page.text_content("#b") == "đã bấm"
    assert screenshot(page, "browser-kit").stat().st_size > 0
    page.close()
