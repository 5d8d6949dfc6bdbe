"""Real headless Chromium for the web tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright never downloads a browser here: it is pointed at the system Chromium, which the
project's `make test` installs when it is missing. Tests take the `browser` fixture (one
Chromium per test module) and open their own pages; `screenshot(page, name)` writes to
build/screenshots/ so a run leaves pictures of the pages it checked.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CCHC_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
# Without the background-networking flags Chromium keeps dialling Google on a closed network.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def chromium_path() -> str:
    """The system Chromium; in CI a missing browser fails the run instead of skipping it."""
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium") or ""
    if not path:
        message = f"Chromium not found at {CHROMIUM}: run `make test` (it installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module.

    Not per session: Playwright's sync API keeps its event loop marked running on this thread
    until it exits, and every asyncio test collected after it would then fail to start its own
    loop ("Runner.run() cannot be called from a running event loop").
    """
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=FLAGS, chromium_sandbox=False
        )
        try:
            yield launched
        finally:
            launched.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as build/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
