"""The tracking passcode: shown once, kept as a digest, typed loosely; or the phone number."""

from __future__ import annotations

from bot.feedback import passcode

CODE = "PA-2026-000042"


def test_new_passcodes_are_readable_and_distinct() -> None:
    made = {passcode.new() for _ in range(200)}
    assert len(made) == 200
    for value in made:
        head, dash, tail = value.partition("-")
        assert dash
        assert len(head) == len(tail) == 4
        assert set(head + tail) <= set(passcode.ALPHABET)


def test_the_digest_is_salted_with_the_code_and_ignores_case_and_dash() -> None:
    secret = "ABCD-EF23"
    stored = passcode.digest(CODE, secret)
    assert secret not in stored
    assert stored != passcode.digest("PA-2026-000043", secret)
    for typed in ("ABCD-EF23", "abcdef23", "abcd ef23", "Abcd-ef23"):
        assert passcode.proves(CODE, stored, None, f"/tracuu {typed}")


def test_a_wrong_passcode_or_phone_proves_nothing() -> None:
    stored = passcode.digest(CODE, "ABCD-EF23")
    for text in ("", "ABCD-EF24", "feedback", "0912345679", "ABCDEF23X"):
        assert not passcode.proves(CODE, stored, "0912345678", text)
    assert not passcode.proves(CODE, None, None, "ABCD-EF23")


def test_the_phone_number_left_at_filing_proves_it() -> None:
    for typed in ("0912 345 678", "+84 912 345 678", "0912.345.678"):
        assert passcode.proves(CODE, None, "0912345678", f"xem giúp {typed}")
