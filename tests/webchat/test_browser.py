"""The web chat in real headless Chromium against `cchc-bot serve` as a real process: the full
page and a portal page with the one-line snippet (and hostile CSS); questions with and without
diacritics, a suggestion, a rating, feedback filed and the staff answer arriving live, reload,
English, keyboard only, XSS through a citizen's text and a knowledge-base text, CSRF from another
site, axe-core, and phone and desktop screenshots (build/screenshots/webchat-*.png)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FrameLocator, Page, expect

from tests.browser import DESKTOP, PHONE, SCREENSHOTS, screenshot
from tests.webchat.served import Served, serve, site

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TITLE = "Hỏi đáp CCHC xã Hòa An"
COLOR = "#7a1f1f"  # rgb(122, 31, 31)
SNIPPET = '<script src="{bot}/widget.js" data-title="{title}" data-color="{color}" defer></script>'
# A portal whose own CSS would wreck anything not isolated from it.
PORTAL = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin điện tử xã Hòa An</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  * {{ font-family: "Comic Sans MS", cursive !important; color: #00ff00 !important; }}
  button {{ background: yellow !important; font-size: 40px !important; }}
  iframe {{ display: none !important; }}
  div {{ border: 5px dashed red; }}
</style></head>
<body><header><h1>Cổng thông tin điện tử xã Hòa An</h1></header>
<main><p>Tin tức, thông báo của xã.</p></main>
{snippet}
</body></html>"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ATTACKER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title></head>
<body><main><h1>Win a prize</h1></main></body></html>"""
WEB = {
    "WEBCHAT_SECRET": "browser-test-secret-0123456789abcdef",
    "FLOOD_MESSAGES": "60",
    "WEBCHAT_SESSION_MESSAGES": "60",
    "LOG_LEVEL": "INFO",
}


@pytest.fixture(scope="module")
def portal() -> Iterator[tuple[str, dict[str, str]]]:
    with site({}) as found:
        yield found


@pytest.fixture(scope="module")
def bot(
    tmp_path_factory: pytest.TempPathFactory, portal: tuple[str, dict[str, str]]
) -> Iterator[Served]:
    origin, pages = portal
    with serve(
        tmp_path_factory.mktemp("webchat"), WEBCHAT_ALLOWED_ORIGINS=origin, **WEB
    ) as running:
        snippet = SNIPPET.format(bot=running.url, title=TITLE, color=COLOR)
        pages["/"] = PORTAL.format(snippet=snippet)
        yield running


def bots(scope: Page | FrameLocator) -> Any:
    return scope.locator(".msg.bot")


def ask(scope: Page | FrameLocator, text: str) -> str:
    """Type and send `text`; the text of the last bot message once the answer is in."""
    before = bots(scope).count()
    scope.locator("#input").fill(text)
    scope.locator("#input").press("Enter")
    expect(bots(scope)).not_to_have_count(before, timeout=15000)
    expect(scope.locator("#send")).to_be_enabled(timeout=15000)
    return str(bots(scope).last.inner_text())


def click(scope: Page | FrameLocator, label: str) -> str:
    """Click the last shown choice whose label contains `label`; the newest bot text."""
    before = bots(scope).count()
    scope.locator(".choices button", has_text=label).last.click()
    expect(bots(scope)).not_to_have_count(before, timeout=15000)
    expect(scope.locator("#send")).to_be_enabled(timeout=15000)
    return str(bots(scope).last.inner_text())


def run_axe(target: Any, name: str, where: str = "document") -> list[dict[str, Any]]:
    """axe-core (vendored, MPL-2.0) in the page or frame; the serious and critical violations.
    The whole report is written to build/screenshots/axe-<name>.json."""
    target.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    options = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
    report = target.evaluate(f"axe.run({where}, {options})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"axe-{name}.json").write_text(
        json.dumps(report["violations"], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return [v for v in report["violations"] if v["impact"] in ("serious", "critical")]


def test_full_page_answers_with_and_without_diacritics_with_links(
    browser: Browser, bot: Served
) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    page.goto(bot.url + "/")
    expect(bots(page).first).to_contain_text("Xin chào")
    expect(page.locator(".choices button").first).to_be_visible()
    plain = ask(page, "lam can cuoc o dau")
    marked = ask(page, "làm căn cước ở đâu")
    assert "căn cước" in plain.lower()
    assert plain == marked
    link = page.locator('.msg.bot a[href="https://dichvucong.bocongan.gov.vn"]').last
    expect(link).to_be_visible()
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in (link.get_attribute("rel") or "")
    screenshot(page, "webchat-page-phone")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    screenshot(page, "webchat-page-desktop")
    assert not run_axe(page, "page")
    page.close()


def test_portal_snippet_suggestion_rating_and_focus(
    browser: Browser, bot: Served, portal: Any
) -> None:
    page = browser.new_page(viewport=DESKTOP)  # type: ignore[arg-type]
    page.goto(portal[0] + "/")
    launcher = page.locator("[data-cchc-chat] .launcher")
    expect(launcher).to_contain_text(TITLE)
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(122, 31, 31)"
    assert launcher.evaluate("b => getComputedStyle(b).fontSize") == "16px"  # not the portal's
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    assert launcher.get_attribute("aria-expanded") == "true"
    chat = page.frame_locator("[data-cchc-chat] iframe")
    expect(chat.locator("#title")).to_have_text(TITLE)
    expect(bots(chat).first).to_contain_text("Xin chào")
    group = click(chat, "Hộ tịch")
    assert group
    entry = click(chat, "khai sinh")
    assert "khai sinh" in entry.lower()
    thanks = click(chat, "👍")
    assert "cảm ơn" in thanks.lower()
    screenshot(page, "webchat-portal-desktop")
    frame = next(f for f in page.frames if "embed=1" in f.url)
    assert not run_axe(frame, "widget-frame")
    # The launcher only: the test portal's own CSS is ugly on purpose.
    assert not run_axe(page, "launcher", "document.querySelector('[data-cchc-chat]')")
    chat.locator("#input").press("Escape")  # closes the panel, focus back on the launcher
    expect(page.locator("[data-cchc-chat] .panel")).to_be_hidden()
    focused = page.evaluate(
        "document.querySelector('[data-cchc-chat]').shadowRoot.activeElement.className"
    )
    assert focused == "launcher"
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    launcher.click()
    expect(bots(chat).first).to_be_visible()
    screenshot(page, "webchat-portal-phone")
    page.close()


def test_keyboard_only(browser: Browser, bot: Served) -> None:
    page = browser.new_page(viewport=DESKTOP)  # type: ignore[arg-type]
    page.goto(bot.url + "/")
    expect(bots(page).first).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "input"
    page.keyboard.type("giờ làm việc của bộ phận một cửa")
    page.keyboard.press("Enter")
    expect(bots(page)).to_have_count(2, timeout=15000)
    expect(page.locator("#send")).to_be_enabled()
    assert page.evaluate("document.activeElement.id") == "input"  # focus stays to type on
    page.keyboard.press("Shift+Tab")  # the last choice shown, just before the composer
    assert page.evaluate("document.activeElement.closest('.choices') !== null")
    page.keyboard.press("Enter")
    expect(bots(page)).to_have_count(3, timeout=15000)
    assert page.locator("#log").get_attribute("aria-live") == "polite"
    assert page.locator("label[for=input]").count() == 1
    page.close()


def test_feedback_staff_answer_arrives_live_and_survives_reload(
    browser: Browser, bot: Served
) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    page.goto(bot.url + "/")
    expect(bots(page).first).to_be_visible()
    ask(page, "/phananh")
    click(page, "Hồ sơ trễ hẹn")
    before = bots(page).count()
    photo = {"name": "giấy hẹn.png", "mimeType": "image/png", "buffer": PNG}
    page.locator("#file").set_input_files(files=[photo])  # what the 📎 button opens
    expect(bots(page)).not_to_have_count(before, timeout=15000)
    expect(bots(page).last).to_contain_text("Đã nhận 1 tệp")
    expect(page.locator(".msg.citizen", has_text="📎 giấy hẹn.png")).to_be_visible()
    expect(page.locator("#send")).to_be_enabled()
    ask(page, "Tôi nộp hồ sơ khai sinh ngày 3/11, hẹn trả 10/11 nhưng chưa có kết quả.")
    ask(page, "Bộ phận Một cửa xã")
    click(page, "Đồng ý")
    ask(page, "Nguyễn Văn An, 0912 345 678")
    done = click(page, "Gửi phản ánh")
    assert "Mã phản ánh: PA-" in done
    code = done.split("Mã phản ánh: ")[1].split()[0]

    answer = "Hồ sơ của Ông/Bà đã có kết quả, mời Ông/Bà nhận tại Bộ phận Một cửa."
    desk = subprocess.run(
        [sys.executable, "-m", "tests.webchat.staff", bot.database, code, answer],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert desk.returncode == 0, desk.stderr
    arrived = page.locator(".msg.bot", has_text=answer)
    expect(arrived).to_be_visible(timeout=20000)  # no reload: the page's poll brought it
    rated = click(page, "5 ⭐")
    assert rated
    screenshot(page, "webchat-staff-answer-phone")

    page.reload()
    expect(page.locator(".msg.bot", has_text=answer)).to_be_visible()
    expect(page.locator(".msg.bot", has_text=code).first).to_be_visible()
    expect(page.locator(".msg.citizen", has_text="Nguyễn Văn An")).to_be_visible()
    page.close()


def test_switch_to_english(browser: Browser, bot: Served) -> None:
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(bot.url + "/")
    expect(bots(page).first).to_contain_text("Xin chào")
    before = bots(page).count()
    page.locator("#lang").click()
    expect(page.locator("#send")).to_have_text("Send")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(bots(page)).not_to_have_count(before, timeout=15000)
    answer = ask(page, "how do I register a birth")
    assert "birth" in answer.lower()
    page.reload()  # the choice is kept
    expect(page.locator("#send")).to_have_text("Send")
    expect(page.locator("#lang")).to_have_text("Tiếng Việt")
    context.close()


def test_citizen_text_cannot_inject_markup(browser: Browser, bot: Served) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    page.goto(bot.url + "/")
    expect(bots(page).first).to_be_visible()
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    ask(page, attack)
    expect(page.locator(".msg.citizen .text").last).to_have_text(attack)
    assert page.locator("#log img, #log script").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    page.close()


def test_knowledge_base_text_cannot_inject_markup(
    browser: Browser, tmp_path: Path, portal: Any
) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge" / "data", kb)
    locality = kb / "locality.yaml"
    hostile = "UBND xã Hòa An <img src=x onerror='window.__pwned=1'><b>đậm</b> (xã mẫu)"
    text = locality.read_text(encoding="utf-8").replace("UBND xã Hòa An (xã mẫu)", hostile, 1)
    locality.write_text(text, encoding="utf-8")
    with serve(tmp_path, KB_DIR=str(kb), WEBCHAT_ALLOWED_ORIGINS=portal[0], **WEB) as hostile_bot:
        page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
        page.goto(hostile_bot.url + "/")
        expect(bots(page).first).to_contain_text("<img src=x onerror=")
        assert page.locator("#log img, #log b").count() == 0
        assert page.evaluate("window.__pwned === undefined")
        page.close()


def test_another_site_cannot_post_with_the_citizens_cookie(browser: Browser, bot: Served) -> None:
    with site({"/": ATTACKER}) as (evil, _pages):
        context = browser.new_context()
        page = context.new_page()
        page.goto(bot.url + "/")  # the citizen has a session
        expect(bots(page).first).to_be_visible()
        attacker = context.new_page()
        attacker.goto(evil + "/")
        outcome = attacker.evaluate(
            """bot => fetch(bot + '/api/chat', {method: 'POST', credentials: 'include',
                 headers: {'Content-Type': 'application/json', 'X-CCHC-Chat': '1'},
                 body: JSON.stringify({text: '/phananh'})})
               .then(r => 'read ' + r.status, () => 'blocked')""",
            bot.url,
        )
        assert outcome == "blocked"  # the CORS preflight fails for an origin not configured
        context.close()
