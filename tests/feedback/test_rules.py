"""Pure rules: working days, phone numbers, tracking codes."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.feedback import phones
from bot.feedback.codes import find_code, format_code, split_code
from bot.feedback.workdays import add_workdays, local_date, workdays_between

D = dt.date
TET_2027 = {D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10), D(2027, 2, 11)}


@pytest.mark.parametrize(
    ("start", "days", "holidays", "due"),
    [
        (D(2026, 11, 23), 5, set(), D(2026, 11, 30)),  # Monday + 5 → next Monday
        (D(2026, 11, 27), 1, set(), D(2026, 11, 30)),  # Friday + 1 skips the weekend
        (D(2026, 11, 28), 1, set(), D(2026, 11, 30)),  # filed on Saturday
        (D(2026, 11, 29), 5, set(), D(2026, 12, 4)),  # filed on Sunday
        (D(2027, 2, 4), 3, TET_2027, D(2027, 2, 16)),  # across the Tết holiday week
        (D(2026, 9, 1), 1, {D(2026, 9, 2)}, D(2026, 9, 3)),  # Quốc khánh
        (D(2026, 11, 23), 0, set(), D(2026, 11, 23)),
    ],
)
def test_due_dates_count_working_days_only(
    start: dt.date, days: int, holidays: set[dt.date], due: dt.date
) -> None:
    assert add_workdays(start, days, holidays) == due
    assert workdays_between(start, due, holidays) == days


def test_the_office_date_is_vietnam_time() -> None:
    late_evening_utc = dt.datetime(2026, 11, 22, 18, 30, tzinfo=dt.UTC)
    assert local_date(late_evening_utc) == D(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("(+84) 98-765-4321", "0987654321"),
        ("0356789012", "0356789012"),
        ("0243 123 4567", "02431234567"),  # Hà Nội landline
        ("028.3823.4567", "02838234567"),  # TP.HCM landline
    ],
)
def test_vietnamese_numbers_are_accepted(typed: str, normalised: str) -> None:
    assert phones.normalise(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "abc",
        "12345",
        "0123456789",  # old 01x prefixes are gone since 2018
        "0612345678",
        "091234567",  # too short
        "09123456789",  # too long
        "+1 415 555 0100",
        "0084912345678",
        "1900 1234",  # hotline, not a person
        "0243 123 456",  # landlines have 11 digits
    ],
)
def test_bad_phone_numbers_are_refused(typed: str) -> None:
    assert phones.normalise(typed) is None


def test_name_and_phone_in_one_message_and_masking() -> None:
    assert phones.split_name_and_phone("Nguyễn Văn An, 0912 345 678") == (
        "Nguyễn Văn An",
        "0912345678",
    )
    assert phones.split_name_and_phone("Lê Thị Hoa") == ("Lê Thị Hoa", None)
    assert phones.mask("0912345678") == "09******78"
    assert phones.display("0912345678") == "0912 345 678"


def test_codes_are_found_however_they_are_typed() -> None:
    assert format_code(2026, 123) == "PA-2026-000123"
    for typed in ("PA-2026-000123", "pa 2026 123", "Pa2026000123", "mã PA-2026-123 ạ"):
        assert find_code(typed) == "PA-2026-000123", typed
    assert find_code("PA-1999-000123") is None
    assert find_code("không có mã") is None
    assert split_code("PA-2026-7 Công an xã | cư trú") == ("PA-2026-000007", "Công an xã | cư trú")
