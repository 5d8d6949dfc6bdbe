"""Nothing secret or personal reaches a log line."""

from __future__ import annotations

import io
import logging

from handlers.telegram.redact import RedactingFilter, mask, redact

TOKEN = "1234567890:AAH-abcdefghijklmnopqrstuvwxyz012345"


def test_mask_keeps_only_the_last_two_characters() -> None:
    assert mask(123456789) == "…89"
    assert mask("-1001234") == "…34"
    assert mask(7) == "…"


def test_redact_removes_tokens_numbers_and_sql_parameters() -> None:
    text = (
        f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed for 0912 345 678, "
        "CCCD 001099012345, +84912345678\n"
        "[SQL: INSERT INTO message_log (text) VALUES (?)]\n"
        "[parameters: ('tôi tên Nguyễn Văn A',)]\n"
        "line 42"
    )
    cleaned = redact(text)
    for leaked in (TOKEN, "0912 345 678", "001099012345", "84912345678", "Nguyễn Văn A"):
        assert leaked not in cleaned
    assert "[token]" in cleaned
    assert "[parameters hidden]" in cleaned
    assert "line 42" in cleaned  # short numbers (line numbers, counts) stay readable


def test_named_secrets_are_replaced_even_if_they_look_harmless() -> None:
    assert redact("secret is hunter2-webhook", ["hunter2-webhook"]) == "secret is [secret]"


def test_the_filter_cleans_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([TOKEN]))
    logger = logging.getLogger("tests.redact")
    logger.addHandler(handler)
    try:
        logger.error("calling %s for chat %d", f"https://x/bot{TOKEN}/getMe", 987654321)
        try:
            raise RuntimeError(f"boom with {TOKEN} and 0987654321")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert TOKEN not in written
    assert "987654321" not in written
    assert "0987654321" not in written
    assert "RuntimeError: boom with [secret]" in written
