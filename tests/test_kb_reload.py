"""Reloading the knowledge base without a restart: `cchc-bot kb reload`, the desk's button, a
broken file refused while the old KB keeps answering, and a second worker process following."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.config import Settings
from bot.kbreload.models import KbVersion
from bot.messages import Inbound
from bot.runtime import Services, build
from knowledge.loader import DEFAULT_DIR
from tests.web.desk_kit import add_web_staff, csrf_of, log_in, running_desk

QUESTION = "giờ làm việc của ủy ban xã"
OLD, NEW = "sáng thứ Bảy 7h30–11h30 (giờ ví dụ)", "sáng thứ Bảy 8h00–10h30 (giờ mới)"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "kb"
    shutil.copytree(DEFAULT_DIR, copy)
    return copy


@pytest.fixture
def live(settings: Settings, kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """Services built from a copy of the KB (the CLI reads the same database and folder)."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    services = build(settings.model_copy(update={"kb_dir": kb_dir}))
    try:
        yield services
    finally:
        services.engine.dispose()


def answer(services: Services, user: str = "1") -> str:
    replies = services.assistant.handle(Inbound("console", user, text=QUESTION))
    return "\n".join(r.text for r in replies)


def change_hours(kb_dir: Path) -> None:
    locality = kb_dir / "locality.yaml"
    text = locality.read_text(encoding="utf-8")
    assert OLD.split(" (")[0] in text
    locality.write_text(text.replace("7h30–11h30 (giờ ví dụ)", "8h00–10h30 (giờ mới)"), "utf-8")


def break_kb(kb_dir: Path) -> None:
    with (kb_dir / "topics" / "can_cuoc.yaml").open("a", encoding="utf-8") as topic:
        topic.write("\n  - id: [broken\n")


def versions_recorded(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count(KbVersion.id))) or 0)


def test_a_changed_file_answers_differently_after_reload(
    live: Services, kb_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert OLD in answer(live)
    change_hours(kb_dir)
    assert not live.live_kb.check(live.sessions)  # nothing requested yet: still the old one
    assert OLD in answer(live, "2")
    assert main(["--kb", str(kb_dir), "kb", "reload", "--who", "Chị Lan"]) == 0
    assert "OK: " in capsys.readouterr().out
    assert live.live_kb.check(live.sessions)
    assert NEW in answer(live, "3")
    assert not live.live_kb.check(live.sessions)  # once only


def test_a_broken_file_is_refused_and_the_old_kb_keeps_answering(
    live: Services, kb_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_kb(kb_dir)
    assert main(["--kb", str(kb_dir), "kb", "reload"]) == 1
    err = capsys.readouterr().err
    assert "Refused" in err
    assert "can_cuoc.yaml" in err
    assert versions_recorded(live) == 0
    assert not live.live_kb.check(live.sessions)
    assert OLD in answer(live)


def test_the_desk_button_reloads_for_admins_only(live: Services, kb_dir: Path) -> None:
    add_web_staff(live, "chu", role="admin")
    add_web_staff(live, "lan")
    with running_desk(live) as url:
        with httpx.Client(base_url=url, timeout=10) as staff:
            log_in(staff, "lan")
            page = staff.get("/admin/gaps").text
            assert "Nạp lại cơ sở tri thức" not in page
            forbidden = staff.post("/admin/kb/reload", data={"csrf": csrf_of(page)})
            assert forbidden.status_code == 403
        with httpx.Client(base_url=url, timeout=10, follow_redirects=True) as admin:
            log_in(admin, "chu")
            page = admin.get("/admin/gaps").text
            assert "Nạp lại cơ sở tri thức" in page
            assert admin.post("/admin/kb/reload", data={"csrf": "forged"}).status_code == 403
            break_kb(kb_dir)
            refused = admin.post("/admin/kb/reload", data={"csrf": csrf_of(page)})
            assert refused.status_code == 400
            assert "Không nạp lại" in refused.text
            assert "can_cuoc.yaml" in refused.text
            assert OLD in answer(live)
            shutil.copy(DEFAULT_DIR / "topics" / "can_cuoc.yaml", kb_dir / "topics")
            change_hours(kb_dir)
            done = admin.post("/admin/kb/reload", data={"csrf": csrf_of(page)})
            assert done.status_code == 200  # followed the redirect back to the page
            assert "Đã nạp lại cơ sở tri thức" in done.text
    assert NEW in answer(live)  # this worker at once, without waiting for its watcher
    assert versions_recorded(live) == 1


WORKER = """
import asyncio, sys
from bot.config import Settings
from bot.messages import Inbound
from bot.runtime import build

services = build(Settings(_env_file=None, database_url=sys.argv[1], kb_dir=sys.argv[2]))
def ask():
    replies = services.assistant.handle(Inbound("console", "w2", text=sys.argv[3]))
    return "\\n".join(r.text for r in replies)
print("ready" if "7h30–11h30 (giờ ví dụ)" in ask() else "wrong", flush=True)

async def watch():
    job = asyncio.create_task(services.live_kb.run_forever(services.sessions, interval=0.2))
    for _ in range(150):
        await asyncio.sleep(0.2)
        if "8h00–10h30 (giờ mới)" in ask():
            print("switched", flush=True)
            break
    job.cancel()
asyncio.run(watch())
"""


def test_a_second_worker_process_picks_it_up(live: Services, kb_dir: Path) -> None:
    url = live.settings.database_url
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, url, str(kb_dir), QUESTION],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
        change_hours(kb_dir)
        started = time.monotonic()
        assert main(["--kb", str(kb_dir), "kb", "reload"]) == 0
        assert worker.stdout.readline().strip() == "switched"
        assert time.monotonic() - started < 10
    finally:
        worker.kill()
        worker.communicate(timeout=10)  # also closes the pipe
