"""Logging that never shows personal data or secrets: phone and ID numbers, bot tokens."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

# Bot tokens look like 123456789:AAH...; Vietnamese phones 0xxxxxxxxx or +84xxxxxxxxx (spaces or
# dots allowed); citizen ID numbers are 12 digits, old ID cards 9.
_TOKEN = re.compile(r"(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}")
_PHONE = re.compile(r"(?<![\w])(?:\+?84|0)(?:[\s.-]?\d){8,10}(?![\w])")
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")


def mask(text: str) -> str:
    """`text` with tokens, phone numbers and ID numbers replaced by a masked form."""
    text = _TOKEN.sub("<token>", text)
    text = _PHONE.sub(lambda m: _keep_tail(m.group(0)), text)
    return _ID_NUMBER.sub(lambda m: _keep_tail(m.group(0)), text)


def _keep_tail(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "*" * (len(digits) - 3) + digits[-3:]


class MaskingFilter(logging.Filter):
    """Masks personal data in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure_logging(level: str, path: Path | None = None) -> None:
    """Log to stderr (or the file `path`) through the masking filter; quiet chatty libraries."""
    handler: logging.Handler = (
        logging.FileHandler(path, encoding="utf-8") if path else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "alembic", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
