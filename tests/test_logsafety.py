"""Personal data and secrets never reach the logs."""

from __future__ import annotations

import logging

import pytest

from bot.logsafety import MaskingFilter, mask


def test_phone_numbers_are_masked() -> None:
    assert mask("gọi 0912 345 678 nhé") == "gọi *******678 nhé"
    assert mask("+84912345678") == "********678"
    assert mask("so 0912.345.678") == "so *******678"


def test_id_numbers_and_tokens_are_masked() -> None:
    assert mask("CCCD 001203004567") == "CCCD *********567"
    assert mask("bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0") == "bot<token>"


def test_ordinary_numbers_stay() -> None:
    assert mask("hồ sơ PA-2026-000123, lệ phí 50.000 đồng, 7 ngày") == (
        "hồ sơ PA-2026-000123, lệ phí 50.000 đồng, 7 ngày"
    )


def test_filter_masks_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.masking")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="test.masking"):
        logger.info("citizen phone %s", "0987654321")
        try:
            raise ValueError("bad id 012345678901")
        except ValueError:
            logger.exception("failed")
    text = caplog.text
    assert "0987654321" not in text
    assert "012345678901" not in text
    assert "*******321" in text
