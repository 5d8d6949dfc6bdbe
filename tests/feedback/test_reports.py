"""The period report: figures checked by hand, then re-read from the CSV and XLSX files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

from bot.cli import main
from bot.feedback.models import Ticket
from bot.feedback.report_files import write_csv, write_xlsx
from bot.feedback.reports import Report, build_report
from bot.feedback.workdays import OFFICE_TZ
from bot.models import Contact, UnansweredQuestion
from bot.runtime import Services

D = dt.date
START, END, TODAY = D(2026, 10, 1), D(2026, 12, 31), D(2026, 11, 21)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """A moment at the office, in UTC."""
    return dt.datetime.combine(day, dt.time(hour), OFFICE_TZ).astimezone(dt.UTC)


def ticket(
    session: Session,
    number: int,
    category: str,
    created: dt.date,
    due: dt.date,
    status: str = "new",
    responded: dt.datetime | None = None,
    rating: int | None = None,
) -> None:
    contact = Contact(channel="console", external_id=f"c{number}")
    session.add(contact)
    session.flush()
    session.add(
        Ticket(
            code=f"PA-2026-{number:06d}",
            contact_id=contact.id,
            category=category,
            description="…",
            status=status,
            due_date=due,
            created_at=at(created),
            first_answered_at=responded,
            rating=rating,
        )
    )


def question(session: Session, text: str, day: dt.date, forwarded: bool = False) -> None:
    contact = Contact(channel="console", external_id=f"q{text}{day}")
    session.add(contact)
    session.flush()
    session.add(
        UnansweredQuestion(
            contact_id=contact.id, text=text, lang="vi", forwarded=forwarded, created_at=at(day)
        )
    )


@pytest.fixture
def report(services: Services) -> Report:
    with services.sessions.begin() as session:
        ticket(session, 1, "tre_hen", D(2026, 10, 5), D(2026, 10, 12), "answered",
               at(D(2026, 10, 7)), 5)  # fmt: skip
        ticket(session, 2, "thai_do", D(2026, 10, 9), D(2026, 10, 23), "closed",
               at(D(2026, 10, 30)), 2)  # fmt: skip
        ticket(session, 3, "dvc", D(2026, 11, 2), D(2026, 11, 9))  # open, overdue
        ticket(session, 4, "khac", D(2026, 11, 18), D(2026, 12, 2))  # open, not yet due
        ticket(session, 5, "quy_dinh", D(2026, 9, 30), D(2026, 10, 14))  # before the period
        ticket(session, 6, "tre_hen", D(2026, 11, 3), D(2026, 11, 10), "transferred",
               at(D(2026, 11, 4)), 4)  # fmt: skip
        question(session, "Làm sao nuôi chim yến?", D(2026, 10, 2), forwarded=True)
        question(session, "lam sao nuoi chim yen", D(2026, 11, 2))
        question(session, "giá vàng hôm nay", D(2026, 11, 3))
        question(session, "giá vàng hôm nay", D(2026, 9, 3))  # before the period
    with services.sessions() as session:
        return build_report(session, START, END, TODAY)


def test_figures(report: Report) -> None:
    summary = {row[0]: row[1] for row in report.table("Tổng hợp").rows}
    assert summary["Số phản ánh tiếp nhận"] == 5
    assert summary["Số đã phản hồi (trả lời, chuyển, không thuộc thẩm quyền)"] == 3
    assert summary["Thời gian đến phản hồi đầu tiên, trung vị (giờ)"] == 48.0  # 24, 48, 504
    assert summary["Tỷ lệ phản hồi đúng hạn"] == 0.5  # 1 and 6 of 1, 2, 3 (overdue) and 6
    assert summary["Số đang quá hạn"] == 1
    assert summary["Điểm hài lòng trung bình (1–5)"] == 3.7
    assert report.table("Theo loại").rows == [
        ["Hồ sơ trễ hẹn", 2],
        ["Thái độ cán bộ", 1],
        ["Quy định, thủ tục", 0],
        ["Dịch vụ công trực tuyến", 1],
        ["Khác", 1],
        ["Câu hỏi chuyển cán bộ", 0],
    ]
    by_status = {r[0]: r[1] for r in report.table("Theo trạng thái").rows}
    assert by_status == {
        "mới": 2,
        "đang xử lý": 0,
        "đã trả lời": 1,
        "đã chuyển cơ quan có thẩm quyền": 1,
        "không thuộc thẩm quyền": 0,
        "đã đóng": 1,
    }
    overdue = report.table("Quá hạn").rows
    assert [(r[0], r[3], r[6]) for r in overdue] == [
        ("PA-2026-000002", D(2026, 10, 23), 5),  # answered a week late
        ("PA-2026-000003", D(2026, 11, 9), 9),  # still open on 21/11
    ]
    assert [r[1] for r in report.table("Hài lòng").rows] == [0, 1, 0, 1, 1]
    assert report.table("Câu hỏi chưa trả lời").rows == [
        ["lam sao nuoi chim yen", 2, 1],
        ["giá vàng hôm nay", 1, 0],
    ]


def test_csv_sections_read_back(report: Report) -> None:
    out = io.StringIO()
    write_csv(report, out)
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines[0] == [
        "Báo cáo tiếp nhận, xử lý phản ánh – kiến nghị từ 01/10/2026 đến 31/12/2026"
    ]
    summary = lines[lines.index(["Tổng hợp"]) + 2 :]
    assert ["Tỷ lệ phản hồi đúng hạn", "50.0%"] in summary
    assert ["Từ ngày", "01/10/2026"] in summary
    overdue = lines.index(["Quá hạn"])
    assert lines[overdue + 2][:4] == [
        "PA-2026-000002",
        "Thái độ cán bộ",
        "09/10/2026",
        "23/10/2026",
    ]


def test_xlsx_has_one_sheet_per_table_with_real_values(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.xlsx"
    write_xlsx(report, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [t.title for t in report.tables]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Tỷ lệ phản hồi đúng hạn"] == 0.5
    assert book["Tổng hợp"]["B7"].number_format == "0.0%"
    due = book["Quá hạn"]["D2"]
    assert due.value == dt.datetime(2026, 10, 23)
    assert due.number_format == "DD/MM/YYYY"
    assert [c.value for c in book["Hài lòng"]["B"]][1:] == [0, 1, 0, 1, 1]


def test_the_workbook_prints_on_a4_landscape_one_page_wide_with_the_header_on_every_page(
    report: Report, tmp_path: Path
) -> None:
    """The print settings live in the XLSX itself, so openpyxl reads them back; opening the file
    in LibreOffice would need a ~300 MB office suite in CI to check the same attributes."""
    path = tmp_path / "bao-cao.xlsx"
    write_xlsx(report, path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)  # 0: as many pages tall
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.freeze_panes == "A2"


def test_report_command_writes_both_formats(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with services.sessions.begin() as session:
        ticket(session, 1, "tre_hen", D(2026, 10, 5), D(2026, 10, 12))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)
    args = ["report", "--from", "2026-10-01", "--to", "31/12/2026"]
    assert main([*args, "--out", "q4.xlsx"]) == 0
    assert main([*args, "--format", "csv", "--out", "q4.csv"]) == 0
    book = openpyxl.load_workbook(tmp_path / "q4.xlsx")
    assert book["Theo loại"]["B2"].value == 1
    raw = (tmp_path / "q4.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read it as UTF-8
    assert "Hồ sơ trễ hẹn,1" in raw.decode("utf-8-sig")
    assert main(["report", "--from", "2026-12-31", "--to", "2026-10-01"]) == 2


def test_the_report_lists_every_item_of_the_period(report: Report) -> None:
    items = report.table("Danh sách phản ánh")
    assert items.headers[:2] == ["Mã", "Ngày gửi"]
    assert [row[0] for row in items.rows] == sorted(row[0] for row in items.rows)
    assert "PA-2026-000002" in [row[0] for row in items.rows]
    assert {row[-1] for row in items.rows} <= {"Đúng hạn", "Trễ hạn", "Quá hạn", ""}
