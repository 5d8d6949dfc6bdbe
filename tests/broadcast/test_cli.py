"""`cchc-bot broadcast …` and the report's communication section, on the test database."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.broadcast.expander import Expander
from bot.broadcast.models import Announcement, AnnouncementEvent
from bot.cli import main
from bot.dispatcher import Dispatcher
from bot.feedback.reports import build_report
from bot.feedback.workdays import OFFICE_TZ, local_date
from bot.models import utcnow
from bot.outbox import OutboxMessage
from bot.runtime import Services
from tests.broadcast.helpers import add_staff, add_subscribers, press, say
from tests.feedback.chat import RecordingSender


@pytest.fixture
def cli_env(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)
    add_staff(services, "900", channel="telegram")
    handlers = logging.getLogger().handlers[:]
    yield services
    # `main` points logging at this test's captured stderr; later tests must not write there.
    logging.getLogger().handlers[:] = handlers


def test_create_preview_confirm_show_and_cancel(
    cli_env: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    add_subscribers(cli_env, 3, channel="telegram", area="thon_nam")
    add_subscribers(cli_env, 2, channel="telegram", start=100)
    text = "Lịch tiếp công dân tháng 12 của Chủ tịch UBND xã: sáng thứ Năm hằng tuần."
    args = ["broadcast", "create", "--as", "900", "--text", text, "--area", "thon_nam"]
    assert main([*args, "--preview"]) == 0
    out = capsys.readouterr().out
    assert "Announcement #1 (draft), 3 subscriber(s)" in out
    with cli_env.sessions() as session:
        [preview] = session.scalars(select(OutboxMessage)).all()
        assert (preview.recipient, preview.priority) == ("900", 0)  # to oneself, urgent lane
        assert text in preview.payload[0]["text"]
    assert main(["broadcast", "confirm", "1", "--as", "900"]) == 0
    assert "running" in capsys.readouterr().out
    assert main(["broadcast", "show", "1"]) == 0
    assert "đã gửi 0/3" in capsys.readouterr().out
    assert main(["broadcast", "list"]) == 0
    assert "#1\trunning\tannouncement" in capsys.readouterr().out
    assert main(["broadcast", "cancel", "1", "--as", "900"]) == 0
    assert "cancelled" in capsys.readouterr().out
    assert main(["broadcast", "show", "1", "--follow"]) == 0  # over: no bar, the summary
    assert "đã hủy" in capsys.readouterr().out
    with cli_env.sessions() as session:
        trail = session.scalars(select(AnnouncementEvent.action).order_by(AnnouncementEvent.id))
        assert list(trail) == ["create", "preview", "start", "cancel"]


def test_not_staff_is_refused(cli_env: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["broadcast", "create", "--as", "1", "--text", "x"]) == 1
    assert "Refused: only registered staff may broadcast" in capsys.readouterr().err
    with cli_env.sessions() as session:
        assert session.scalars(select(Announcement)).all() == []


def test_follow_draws_a_bar_until_done(
    cli_env: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    add_subscribers(cli_env, 4, channel="telegram")
    assert main(["broadcast", "create", "--as", "900", "--text", "Tin", "--confirm"]) == 0
    sender = RecordingSender("telegram")
    dispatcher = Dispatcher(cli_env.sessions, {"telegram": sender}, jobs=[Expander()])
    asyncio.run(dispatcher.run_once())  # queued and sent; the next pass sees it is over
    finishing = threading.Timer(0.3, lambda: asyncio.run(dispatcher.run_once()))
    finishing.start()
    assert main(["broadcast", "show", "1", "--follow", "--interval", "0.1"]) == 0
    finishing.join()
    captured = capsys.readouterr()
    assert "đã gửi xong" in captured.out
    assert "đã gửi 4/4" in captured.out
    assert "4/4" in captured.err  # the bar


def test_report_gains_the_communication_section(cli_env: Services) -> None:
    add_subscribers(cli_env, 2, channel="telegram")
    say(cli_env, "u1", command="dangky")
    say(cli_env, "u2", command="dangky")
    press(cli_env, "u2", "bcu:0")
    assert main(["broadcast", "create", "--as", "900", "--text", "Tin", "--confirm"]) == 0
    dispatcher = Dispatcher(
        cli_env.sessions,
        {"telegram": RecordingSender("telegram"), "test": RecordingSender("test")},
        jobs=[Expander()],
    )
    for _ in range(3):
        asyncio.run(dispatcher.run_once())
    today = local_date(utcnow())
    with cli_env.sessions() as session:
        report = build_report(session, today - dt.timedelta(days=40), today, today)
    table = report.table("Truyền thông")
    assert table.headers[:3] == ["Tháng", "Số thông báo đã gửi", "Lượt người nhận"]
    assert table.rows[-1] == ["Tổng", 1, 3, 2, 1]  # 2 + u1 reached; 2 joined, 1 left
    assert table.rows[-2][0] == today.strftime("%m/%Y")


def test_bulletin_drafts_the_month(cli_env: Services, capsys: pytest.CaptureFixture[str]) -> None:
    say(cli_env, "u1", "đăng ký khai sinh cho con cần giấy tờ gì")  # an answered question
    assert (
        main(["broadcast", "create", "--as", "900", "--text", "Tin đầu tháng", "--confirm"]) == 0
    )
    month = local_date(utcnow()).strftime("%Y-%m")
    capsys.readouterr()
    assert main(["broadcast", "bulletin", "--month", month, "--as", "900"]) == 0
    out = capsys.readouterr().out
    assert f"BẢN TIN CẢI CÁCH HÀNH CHÍNH THÁNG {month[5:]}/{month[:4]}" in out
    assert ": Tin đầu tháng" in out
    assert "Câu hỏi được trợ lý ảo trả lời: 1" in out
    assert "Phản ánh, kiến nghị tiếp nhận: 0" in out
    with cli_env.sessions() as session:
        bulletin = session.scalars(select(Announcement).where(Announcement.id == 2)).one()
        assert (bulletin.kind, bulletin.status) == ("bulletin", "draft")
    assert main(["broadcast", "bulletin", "--month", "12-2026", "--as", "900"]) == 1


def test_scheduled_from_the_cli_starts_at_its_time(
    cli_env: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    add_subscribers(cli_env, 2, channel="telegram", area="tdp_1")
    add_subscribers(cli_env, 2, channel="telegram", start=50)
    at = (utcnow() + dt.timedelta(hours=3)).astimezone(OFFICE_TZ).strftime("%Y-%m-%dT%H:%M")
    args = ["broadcast", "create", "--as", "900", "--text", "Tin", "--area", "tdp_1"]
    assert main([*args, "--at", at, "--confirm"]) == 0
    assert "(scheduled), 2 subscriber(s)" in capsys.readouterr().out
    expander = Expander()
    with cli_env.sessions.begin() as session:
        assert expander(session, utcnow()) == 0  # not yet
    with cli_env.sessions.begin() as session:
        assert expander(session, utcnow() + dt.timedelta(hours=3, minutes=1)) == 2
    with cli_env.sessions() as session:
        item = session.scalars(select(Announcement)).one()
        assert (item.status, item.audience_size) == ("running", 2)
