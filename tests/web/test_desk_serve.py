"""The "done" path with real processes: `cchc-bot staff add --web --password-stdin`, then
`cchc-bot serve`, log in, answer an item and download the quarter's report."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from openpyxl import load_workbook

from bot.db import make_engine, make_sessions
from tests.subprocesses import reaped
from tests.telegram.test_cli_serve import ROOT, start
from tests.web.desk_kit import csrf_of, file_ticket


def test_a_new_staff_member_logs_in_handles_an_item_and_gets_the_report(
    tmp_path: Path,
) -> None:
    process, url = start(tmp_path)
    database = f"sqlite:///{tmp_path / 'serve.db'}"
    env = {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(ROOT)}
    add = [sys.executable, "-m", "bot.cli", "staff", "add", "--name", "Nguyễn Thị Lan"]
    done = subprocess.run(
        [*add, "--web", "--login", "lan", "--password-stdin"],
        input="mat-khau-ban-dau-1\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    engine = make_engine(database)
    ticket_id = file_ticket(make_sessions(engine), "Đường làng bị ngập.", "PA-2026-000042")
    engine.dispose()
    with reaped(process), httpx.Client(base_url=url, timeout=10) as client:
        form = client.get("/admin/login")
        data = {"csrf": csrf_of(form.text), "login": "lan", "password": "mat-khau-ban-dau-1"}
        assert client.post("/admin/login", data=data).status_code == 303
        page = client.get("/admin/items", params={"q": "duong ngap"})
        assert "PA-2026-000042" in page.text
        item = client.get(f"/admin/items/{ticket_id}").text
        answer = {"csrf": csrf_of(item), "version": "1", "verb": "answer", "content": "Đã xử lý."}
        acted = client.post(f"/admin/items/{ticket_id}/act", data=answer)
        assert "notice=done" in acted.headers["location"]
        report = client.get("/admin/reports", params={"format": "xlsx"})
        book = load_workbook(io.BytesIO(report.content))
        assert "Tổng hợp" in book.sheetnames
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "DESK_SECRET_KEY is not set" in stderr
    assert "mat-khau-ban-dau-1" not in stderr
