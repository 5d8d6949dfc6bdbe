"""What Zalo's error codes mean for us: refresh the token, hold, give up, or wait.

The codes are those Zalo documents and integrations meet in practice for
`/v3.0/oa/message/cs`; an unknown non-zero code is retried with backoff, then given up.
"""

from __future__ import annotations

import enum

from bot.delivery import DeliveryError
from handlers.zalo.api import ZaloError, ZaloUnavailableError


class Kind(enum.Enum):
    """How to react to one failure."""

    TOKEN = "token"  # noqa: S105 - access token invalid or expired: refresh, retry once
    WINDOW = "window"  # outside the interaction window: hold until the citizen writes
    UNREACHABLE = "unreachable"  # no such user, not a follower any more, blocked the OA
    QUOTA = "quota"  # too many calls or the OA's message quota: wait
    OTHER = "other"  # anything else: retry later


TOKEN_CODES = frozenset({-216, -124, -14002})
WINDOW_CODES = frozenset({-230, -213})
UNREACHABLE_CODES = frozenset({-201, -217})
QUOTA_CODES = frozenset({-32, -211})
QUOTA_WAIT = 60.0  # seconds: Zalo's rate limits are per minute


def kind_of(code: int) -> Kind:
    """The reaction to Zalo error `code`."""
    if code in TOKEN_CODES:
        return Kind.TOKEN
    if code in WINDOW_CODES:
        return Kind.WINDOW
    if code in UNREACHABLE_CODES:
        return Kind.UNREACHABLE
    if code in QUOTA_CODES:
        return Kind.QUOTA
    return Kind.OTHER


def delivery_error(error: ZaloError | ZaloUnavailableError) -> DeliveryError:
    """The outbox's view of a failed send."""
    if isinstance(error, ZaloUnavailableError):
        return DeliveryError(f"Zalo unreachable: {error}")
    kind = kind_of(error.code)
    text = f"{kind.value}: {error}"
    if kind is Kind.WINDOW:
        return DeliveryError(text, held=True)
    if kind is Kind.UNREACHABLE:
        return DeliveryError(text, permanent=True)
    if kind is Kind.QUOTA:
        return DeliveryError(text, retry_after=QUOTA_WAIT)
    return DeliveryError(text)
