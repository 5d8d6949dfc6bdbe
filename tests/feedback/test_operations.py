"""What the office runs: staff and holiday commands, the digest, the console sender, schema."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from bot.cli import main
from bot.clock import FrozenClock, use
from bot.db import make_engine
from bot.dispatcher import Dispatcher
from bot.feedback.digest import DailyDigest, digest_text
from bot.feedback.models import Holiday, Staff, Ticket
from bot.feedback.workdays import OFFICE_TZ, due_date
from bot.messages import Button, Reply
from bot.outbox import OutboxMessage
from bot.runtime import Services
from bot.schema_all import metadata
from handlers.console_sender import ConsoleSender
from tests.feedback.chat import Chat, RecordingSender, add_staff, file_feedback, today_local
from tests.feedback.conftest import STAFF_CHAT


def test_models_and_migrations_agree_on_every_table(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []
    assert {"tickets", "ticket_events", "staff", "holidays", "outbox"} <= set(metadata.tables)


@pytest.fixture
def cli_env(services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)
    return services


def test_staff_commands(cli_env: Services, capsys: pytest.CaptureFixture[str]) -> None:
    add = ["staff", "add", "--channel", "telegram", "--user-id", "123456"]
    assert main([*add, "--name", "Nguyễn Thị Lan", "--role", "admin"]) == 0
    assert main([*add, "--name", "Nguyễn Thị Lan"]) == 0  # again: updated, not duplicated
    assert main(["staff", "list"]) == 0
    assert "telegram\t123456\tstaff\tactive\tNguyễn Thị Lan" in capsys.readouterr().out
    assert main(["staff", "remove", "--channel", "telegram", "--user-id", "123456"]) == 0
    assert main(["staff", "remove", "--channel", "telegram", "--user-id", "999"]) == 1
    with cli_env.sessions() as session:
        staff = session.scalars(select(Staff)).one()
        assert (staff.external_id, staff.active) == ("123456", False)


def test_holidays_move_due_dates(cli_env: Services) -> None:
    assert main(["holiday", "add", "2026-09-02", "Quốc khánh"]) == 0
    assert main(["holiday", "add", "01/09/2026", "Nghỉ lễ Quốc khánh"]) == 0
    assert main(["holiday", "remove", "2026-09-01"]) == 0
    filed = dt.datetime(2026, 9, 1, 9, tzinfo=OFFICE_TZ)  # Tuesday
    with cli_env.sessions() as session:
        assert session.scalars(select(Holiday.day)).all() == [dt.date(2026, 9, 2)]
        assert due_date(session, filed, 1) == dt.date(2026, 9, 3)
        assert due_date(session, filed, 4) == dt.date(2026, 9, 8)


def test_daily_digest_is_queued_once_a_day_for_the_staff_group(app: Services) -> None:
    monday_morning = dt.datetime(2026, 11, 23, 7, 59, tzinfo=OFFICE_TZ)
    with use(FrozenClock(monday_morning - dt.timedelta(hours=1))) as clock:  # the whole core
        _digest_is_queued_once_a_day(app, clock, monday_morning)


def _digest_is_queued_once_a_day(
    app: Services, clock: FrozenClock, monday_morning: dt.datetime
) -> None:
    add_staff(app, "lan", "Chị Lan")
    late = file_feedback(Chat(app, "an"))
    file_feedback(Chat(app, "binh"))
    with app.sessions.begin() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.code == late)).one()
        ticket.due_date = today_local() - dt.timedelta(days=3)
    Chat(app, "lan").type(f"/nhan {late}")
    with app.sessions() as session:
        text = digest_text(session, today_local())
    assert "Mới: 1 · Đang xử lý: 1 · Quá hạn: 1" in text
    assert f"{late} · Hồ sơ trễ hẹn" in text
    assert "Chị Lan" in text
    job = DailyDigest(STAFF_CHAT, hour=8)
    with app.sessions.begin() as session:
        assert job(session, monday_morning) is False  # before 8:00
        assert job(session, monday_morning + dt.timedelta(minutes=1)) is True
        assert job(session, monday_morning + dt.timedelta(hours=3)) is False  # once a day
        assert job(session, monday_morning - dt.timedelta(days=1, hours=-3)) is False  # Sunday
    telegram = RecordingSender("telegram")
    clock.advance(dt.timedelta(hours=3))  # 09:59: the digest is due, the rows were queued earlier
    dispatcher = Dispatcher(app.sessions, {"telegram": telegram}, jobs=[job])
    while asyncio.run(dispatcher.run_once()):  # one message per recipient per pass, in order
        pass
    sent = telegram.to(str(STAFF_CHAT))
    assert [r.text.split("\n")[0] for r in sent][-1] == "📊 Tổng hợp phản ánh ngày 23/11/2026"
    assert sum("Tổng hợp phản ánh" in r.text for r in sent) == 1


def test_console_sender_and_dispatch_once(
    cli_env: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    reply = Reply("Phản ánh PA-2026-000001 đã có trả lời", ((Button("5 ⭐", "sat:1:5"),),))
    asyncio.run(ConsoleSender(out).send("alice", [reply]))
    assert (
        out.getvalue() == "── to alice ──\nPhản ánh PA-2026-000001 đã có trả lời\n  [1] 5 ⭐\n\n"
    )
    from bot.outbox import enqueue

    with cli_env.sessions.begin() as session:
        enqueue(session, "console", "bob", [Reply("xin chào")])
    assert main(["outbox", "dispatch-once"]) == 0
    captured = capsys.readouterr()
    assert "── to bob ──\nxin chào" in captured.out
    assert "1 message(s) sent." in captured.err
    with cli_env.sessions() as session:
        assert session.scalars(select(OutboxMessage.status)).one() == "sent"
