"""The one due-date / overdue rule at its edges, and every place that reports it agreeing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.feedback.cards import inbox
from bot.feedback.digest import digest_text
from bot.feedback.duedates import is_overdue, office_today, past_due
from bot.feedback.models import Staff, Ticket
from bot.feedback.reports import build_report
from bot.feedback.workdays import OFFICE_TZ, due_date
from bot.runtime import Services
from tests.feedback.factories import make_ticket

D = dt.date


def office(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment at the office (UTC+7), as the aware UTC datetime the core works with."""
    local = dt.datetime.combine(day, dt.time(hour, minute, second), OFFICE_TZ)
    return local.astimezone(dt.UTC)


def test_the_due_day_itself_is_on_time_the_next_day_is_not() -> None:
    due = D(2026, 11, 30)
    assert not past_due(due, D(2026, 11, 29))
    assert not past_due(due, due)
    assert past_due(due, D(2026, 12, 1))


@pytest.mark.parametrize(
    ("status", "overdue"),
    [("new", True), ("in_progress", True), ("answered", False), ("transferred", False),
     ("rejected", False), ("closed", False)],
)  # fmt: skip
def test_only_tickets_still_waiting_can_be_overdue(status: str, overdue: bool) -> None:
    ticket = Ticket(status=status, due_date=D(2026, 11, 30))
    assert is_overdue(ticket, D(2026, 12, 1)) is overdue
    assert is_overdue(ticket, D(2026, 11, 30)) is False


def test_year_end_turns_overdue_at_midnight_office_time_not_utc() -> None:
    due = D(2026, 12, 31)
    last_second = office(due, 23, 59, 59)  # 16:59:59 UTC, still 31/12 at the office
    midnight = office(D(2027, 1, 1), 0)  # 17:00 UTC on 31/12, already 1/1 at the office
    assert last_second.date() == midnight.date() == due  # in UTC both are 31 December
    assert not past_due(due, office_today(last_second))
    assert past_due(due, office_today(midnight))
    assert office_today(midnight) == D(2027, 1, 1)


@pytest.fixture
def office_db(services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The application, with the CLI pointed at its database (for `cchc-bot holiday`)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)
    return services


def _edge(services: Services, filed: dt.datetime, days: int) -> tuple[dt.date, list[dt.date]]:
    """The due date, and the office days from filing to two days after it that are overdue."""
    with services.sessions() as session:
        due = due_date(session, filed, days)
    ticket = Ticket(status="new", due_date=due)
    start = office_today(filed)
    span = [start + dt.timedelta(days=n) for n in range((due - start).days + 3)]
    return due, [day for day in span if is_overdue(ticket, day)]


def test_a_friday_filing_is_due_monday_and_the_weekend_is_not_late(office_db: Services) -> None:
    due, late = _edge(office_db, office(D(2026, 11, 27), 16), 1)  # Friday afternoon
    assert due == D(2026, 11, 30)  # Monday
    assert late == [D(2026, 12, 1), D(2026, 12, 2)]  # from Tuesday


def test_a_holiday_set_with_the_cli_moves_the_due_date(office_db: Services) -> None:
    # An office day off on an ordinary Wednesday (public holidays come from `holidays`).
    assert main(["holiday", "add", "2026-10-14", "Nghỉ theo quyết định của UBND xã"]) == 0
    due, late = _edge(office_db, office(D(2026, 10, 13), 9), 1)  # Tuesday
    assert due == D(2026, 10, 15)
    assert late == [D(2026, 10, 16), D(2026, 10, 17)]
    assert main(["holiday", "remove", "2026-10-14"]) == 0
    assert _edge(office_db, office(D(2026, 10, 13), 9), 1)[0] == D(2026, 10, 14)


def test_public_holidays_come_from_the_lunar_calendar(office_db: Services) -> None:
    # Tết 2027: 29 Tết (4/2) to mùng năm (10/2) off; filed Wednesday 3/2, one day -> 11/2.
    assert _edge(office_db, office(D(2027, 2, 3), 9), 1)[0] == D(2027, 2, 11)
    # Giỗ Tổ Hùng Vương 2027 is Friday 16/4 (10/3 âm lịch): Thursday + 1 -> Monday 19/4.
    assert _edge(office_db, office(D(2027, 4, 15), 9), 1)[0] == D(2027, 4, 19)
    # 2/9/2026 falls on Wednesday; 31/8-2/9 off: filed Friday 28/8 + 1 -> Thursday 3/9.
    assert _edge(office_db, office(D(2026, 8, 28), 9), 1)[0] == D(2026, 9, 3)


def test_a_makeup_saturday_counts_as_a_working_day(office_db: Services) -> None:
    assert main(["holiday", "makeup", "2026-10-17", "Làm bù"]) == 0  # Saturday
    assert _edge(office_db, office(D(2026, 10, 16), 9), 1)[0] == D(2026, 10, 17)
    assert main(["holiday", "remove", "2026-10-17"]) == 0
    assert _edge(office_db, office(D(2026, 10, 16), 9), 1)[0] == D(2026, 10, 19)


def test_29_february(office_db: Services) -> None:
    due, late = _edge(office_db, office(D(2028, 2, 28), 10), 1)  # Monday
    assert due == D(2028, 2, 29)
    assert late == [D(2028, 3, 1), D(2028, 3, 2)]
    assert _edge(office_db, office(D(2028, 2, 29), 10), 5)[0] == D(2028, 3, 7)
    assert _edge(office_db, office(D(2027, 2, 26), 10), 1)[0] == D(2027, 3, 1)  # no 29th


def test_filed_late_evening_utc_counts_from_the_office_date(office_db: Services) -> None:
    filed = dt.datetime(2026, 11, 26, 18, 30, tzinfo=dt.UTC)  # Friday 01:30 at the office
    assert _edge(office_db, filed, 1)[0] == D(2026, 11, 30)


def _overdue_seen(services: Services, today: dt.date) -> tuple[str, object, str]:
    """What the digest, the report and the staff inbox each say about overdue tickets."""
    with services.sessions() as session:
        staff = session.scalars(select(Staff)).one()
        digest = digest_text(session, today).splitlines()[1].split(" · ")[-1]
        report = build_report(session, D(2026, 11, 1), D(2026, 12, 31), today)
        summary = {row[0]: row[1] for row in report.table("Tổng hợp").rows}
        listed = inbox(session, staff, "overdue", today, "vi").text.splitlines()[0]
    return digest, summary["Số đang quá hạn"], listed


def test_digest_report_and_inbox_agree_at_the_edge(services: Services) -> None:
    due = D(2026, 11, 30)
    with services.sessions.begin() as session:
        session.add(Staff(channel="console", external_id="lan", name="Chị Lan"))
        make_ticket(session, "new", due, created_at=office(D(2026, 11, 23), 9))
        make_ticket(session, "answered", due, created_at=office(D(2026, 11, 23), 9))
    assert _overdue_seen(services, due) == ("Quá hạn: 0", 0, "📥 Phản ánh quá hạn: 0")
    after = due + dt.timedelta(days=1)
    assert _overdue_seen(services, after) == ("Quá hạn: 1", 1, "📥 Phản ánh quá hạn: 1")
