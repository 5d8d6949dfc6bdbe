"""Reports and the dashboard over real HTTP; `cchc-bot report … | head` ends quietly."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from bot.desk.dashboard import build_dashboard
from bot.desk.periods import period
from bot.feedback.duedates import office_today
from bot.feedback.models import Ticket
from bot.messages import Inbound
from bot.models import Contact
from bot.runtime import Services
from tests.web.desk_kit import add_web_staff, citizen_ticket, log_in, running_desk


@pytest.fixture
def desk(services: Services) -> Iterator[str]:
    with running_desk(services) as url:
        yield url


@contextmanager
def logged_in(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, follow_redirects=False, timeout=20) as client:
        assert log_in(client, "lan").status_code == 303
        yield client


def test_periods() -> None:
    assert period("q1-2028") == (dt.date(2028, 1, 1), dt.date(2028, 3, 31))
    assert period("q4-2026") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period("h2-2027") == (dt.date(2027, 7, 1), dt.date(2027, 12, 31))
    assert period("y-2028") == (dt.date(2028, 1, 1), dt.date(2028, 12, 31))
    assert period("q5-2026") is None
    assert period("<script>") is None


def test_report_on_the_page_and_downloaded(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    citizen_ticket(services, "Đường làng bị ngập <b>sâu</b>.")
    today = office_today()
    with logged_in(desk) as c:
        page = c.get(
            "/admin/reports",
            params={"from": today.isoformat(), "to": today.isoformat(), "period": "range"},
        )
        assert page.status_code == 200
        assert f"từ {today:%d/%m/%Y} đến {today:%d/%m/%Y}" in page.text
        assert "Số phản ánh tiếp nhận" in page.text
        quarter = c.get("/admin/reports").text  # this quarter by default
        assert "Quý" in quarter
        params = {"period": "range", "from": today.isoformat(), "to": today.isoformat()}
        xlsx = c.get("/admin/reports", params={**params, "format": "xlsx"})
        assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in xlsx.headers["content-disposition"]
        book = load_workbook(io.BytesIO(xlsx.content))
        summary = book["Tổng hợp"]
        values = {row[0].value: row[1].value for row in summary.iter_rows(min_row=2)}
        assert values["Số phản ánh tiếp nhận"] == 1
        csv = c.get("/admin/reports", params={**params, "format": "csv"})
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.content.startswith("\ufeff".encode())
        assert "Báo cáo tiếp nhận" in csv.content.decode("utf-8-sig")


def test_dashboard_draws_its_charts(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    citizen_ticket(services, "Đèn đường hỏng.")
    services.assistant.handle(Inbound(channel="console", user_id="hoi", text="lam cccd"))
    with logged_in(desk) as c:
        page = c.get("/admin/dashboard").text
    assert "Cấp, cấp đổi, cấp lại thẻ căn cước" in page  # the most asked topic
    assert page.count("<svg ") == 4
    assert "Số phản ánh mỗi tuần theo loại" in page
    assert "<script" not in page


def test_report_piped_into_head_ends_quietly(services: Services, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": services.settings.database_url}
    with services.sessions.begin() as session:  # enough overdue rows to fill the pipe
        contact = Contact(channel="console", external_id="many")
        session.add(contact)
        session.flush()
        session.add_all(
            Ticket(
                code=f"PA-2026-{index:06d}",
                contact_id=contact.id,
                category="khac",
                description="Phản ánh",
                due_date=dt.date(2000, 1, 3),
            )
            for index in range(2000)
        )
    command = [
        sys.executable,
        "-m",
        "bot.cli",
        "report",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
    ]
    pipeline = subprocess.run(  # a real pipe that closes early
        " ".join(command) + " | head -n 2",
        shell=True,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert pipeline.returncode == 0
    assert "Traceback" not in pipeline.stderr
    assert "BrokenPipeError" not in pipeline.stderr
    assert pipeline.stdout.startswith('"Báo cáo')


def test_dashboard_figures(services: Services) -> None:
    today = office_today()
    now = dt.datetime.now(dt.UTC)
    with services.sessions.begin() as session:
        contact = Contact(channel="console", external_id="dash")
        session.add(contact)
        session.flush()

        def add(code: str, due: dt.date, answered: dt.datetime | None, **more: object) -> None:
            session.add(
                Ticket(code=code, contact_id=contact.id, category="khac", description="x",
                       due_date=due, first_answered_at=answered, created_at=now, **more)
            )  # fmt: skip

        add("PA-1", today, now, status="answered", rating=4)
        late = now + dt.timedelta(hours=2)
        add("PA-2", today - dt.timedelta(days=1), late, status="answered", rating=2)
        add("PA-3", today - dt.timedelta(days=1), None)  # overdue, still new
        add("PA-4", today + dt.timedelta(days=5), None)  # not due yet: not judged
    with services.sessions() as session:
        board = build_dashboard(session, today)
    week = board.weeks[-1]
    assert len(board.weeks) == 12
    assert week.filed == 4
    assert (week.judged, week.on_time) == (3, 1)
    assert board.overdue_now == 1
    assert board.median_first_answer_hours == 1.0
    assert week.satisfaction == pytest.approx(0.6)
