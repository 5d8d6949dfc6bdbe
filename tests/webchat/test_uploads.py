"""Photos and PDFs in the web chat over real HTTP: kept with a feedback draft and its ticket,
checked by their bytes (a disguised page is refused), size-limited, stored with owner-only
permissions outside anything served, and never served back."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bot.feedback.models import Ticket
from bot.runtime import Services
from tests.webchat.harness import WebchatUnderTest, ask, press, serve_webchat, texts

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 20


async def send_file(
    browser: httpx.AsyncClient, data: bytes, kind: str, name: str = "ảnh hồ sơ.png"
) -> httpx.Response:
    headers = {"Content-Type": kind, "X-File-Name": httpx.URL(path=name).raw_path.decode()}
    return await browser.post("/api/chat/upload", content=data, headers=headers)


async def test_a_photo_in_a_draft_is_kept_with_the_ticket(
    services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "uploads"
    async with serve_webchat(services, webchat_upload_dir=folder) as web, web.browser() as browser:
        start = await ask(browser, text="/phananh")
        await press(browser, start, "Hồ sơ trễ hẹn")
        sent = await send_file(browser, PNG, "image/png")
        assert sent.status_code == 200, sent.text
        assert "Đã nhận 1 tệp" in texts(sent.json())
        step = await ask(browser, text="Hồ sơ khai sinh nộp ngày 3/11 đến nay chưa có kết quả.")
        step = await ask(browser, text="Bộ phận Một cửa xã")
        step = await press(browser, step, "Đồng ý")
        step = await ask(browser, text="Nguyễn Văn An, 0912 345 678")
        done = await press(browser, step, "Gửi phản ánh")
        history = (await browser.get("/api/chat/history")).json()["messages"]
    assert "Mã phản ánh" in texts(done)
    assert any(m["text"] == "📎 ảnh hồ sơ.png" for m in history if m["role"] == "citizen")
    stored = list(folder.iterdir())
    assert len(stored) == 1
    assert stored[0].read_bytes() == PNG
    assert stored[0].suffix == ".png"
    assert stat.S_IMODE(stored[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    with web.services.sessions() as session:
        ticket = session.scalars(select(Ticket)).one()
    attachments: list[dict[str, Any]] = ticket.attachments
    assert [a["ref"] for a in attachments] == [f"webchat:{stored[0].name}"]


async def test_disguised_unknown_and_oversized_files_are_refused(
    services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "uploads"
    async with (
        serve_webchat(services, webchat_upload_dir=folder, webchat_upload_max_bytes=1024) as web,
        web.browser() as browser,
    ):
        page = b"<html><script>alert(1)</script></html>"
        for data, kind in (
            (page, "image/png"),
            (page, "text/html"),
            (b"<svg onload=alert(1)>", "image/svg+xml"),
            (PNG, "application/octet-stream"),
            (PDF, "image/jpeg"),
        ):
            refused = await send_file(browser, data, kind)
            assert refused.status_code == 415, (kind, refused.text)
            assert "JPEG, PNG hoặc tệp PDF" in refused.json()["message"]
        big = await send_file(browser, b"%PDF-" + b"x" * 2000, "application/pdf")
        assert big.status_code == 413
        assert "MB" in big.json()["message"]
        served = [await browser.get(p) for p in ("/uploads/x.png", "/webchat-uploads/x.png")]
        async with httpx.AsyncClient(base_url=web.url) as plain:  # no CSRF header
            bare = await plain.post(
                "/api/chat/upload", content=PNG, headers={"Content-Type": "image/png"}
            )
    assert not folder.exists() or not any(folder.iterdir())
    assert all(response.status_code == 404 for response in served)
    assert bare.status_code == 403


async def test_a_file_outside_a_draft_gets_the_polite_text_only_answer(
    webchat: WebchatUnderTest, tmp_path: Path
) -> None:
    async with webchat.browser() as browser:
        sent = await send_file(browser, PDF, "application/pdf", "đơn.pdf")
    assert sent.status_code == 200, sent.text
    assert sent.json()["replies"]
