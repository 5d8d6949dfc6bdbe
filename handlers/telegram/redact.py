"""Keep secrets and personal numbers out of logs: masking, redaction and a logging filter."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# 8+ digits, optionally grouped by single spaces, dots or dashes: phone numbers, ID card
# numbers, chat ids. Keeps the last two digits so log lines can still be told apart.
_NUMBER = re.compile(r"(?<![\w])\+?\d(?:[ .-]?\d){7,}(?![\w])")
# SQLAlchemy appends the statement's parameters (a citizen's text) to its error messages.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\]\n?", re.DOTALL)
_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")  # a Bot API token we were not told about


def mask(value: object) -> str:
    """An id shown as `…42`: enough to correlate log lines, not enough to identify anyone."""
    text = str(value)
    return "…" + text[-2:] if len(text) > 2 else "…"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with secrets, Bot API tokens, SQL parameters and long numbers removed."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[secret]")
    text = _TOKEN.sub("[token]", text)
    text = _SQL_PARAMETERS.sub("[parameters hidden]\n", text)
    return _NUMBER.sub(lambda m: mask(re.sub(r"\D", "", m.group(0))), text)


class RedactingFilter(logging.Filter):
    """Rewrites each record (message and traceback) through `redact` before it is written."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(
                self._formatter.formatException(record.exc_info), self.secrets
            )
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install_redaction(secrets: Iterable[str], handlers: Iterable[logging.Handler] = ()) -> None:
    """Attach a `RedactingFilter` to `handlers` (default: every handler of the root logger)."""
    redactor = RedactingFilter(secrets)
    for handler in list(handlers) or logging.getLogger().handlers:
        handler.addFilter(redactor)
