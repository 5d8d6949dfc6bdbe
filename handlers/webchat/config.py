"""What the web chat needs from the settings."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings

WEBCHAT_OFF = "WEBCHAT_ENABLED is false"
SAMESITE = ("lax", "strict", "none")


def origins_of(value: str) -> frozenset[str]:
    """Comma- or space-separated origins, without trailing slashes, lower case."""
    found = (part.strip().rstrip("/").lower() for part in value.replace(",", " ").split())
    return frozenset(origin for origin in found if origin)


@dataclass(frozen=True)
class Limit:
    """At most `count` messages per `seconds`."""

    count: int
    seconds: float


@dataclass(frozen=True)
class WebchatConfig:
    """Signing key, portal origins, cookie flags and limits. The key is plain here: never
    log this object (its repr leaves it out)."""

    secret: bytes
    generated_secret: bool  # no WEBCHAT_SECRET: a random key of this process only
    origins: frozenset[str]
    cookie_secure: bool
    samesite: str
    per_session: Limit
    per_ip: Limit
    max_chars: int
    rotate_every: dt.timedelta
    grace: dt.timedelta
    wait_seconds: float
    keep: dt.timedelta  # an idle session and its conversation are deleted after this
    upload_dir: Path
    upload_max_bytes: int  # 0: uploads are off

    @classmethod
    def from_settings(cls, settings: Settings) -> WebchatConfig | None:
        """None when the web chat is switched off."""
        if not settings.webchat_enabled:
            return None
        given = settings.webchat_secret.get_secret_value() if settings.webchat_secret else ""
        samesite = settings.webchat_cookie_samesite.strip().lower()
        if samesite not in SAMESITE:
            raise ValueError(f"WEBCHAT_COOKIE_SAMESITE must be one of {', '.join(SAMESITE)}")
        return cls(
            secret=given.encode() if given else secrets.token_bytes(32),
            generated_secret=not given,
            origins=origins_of(settings.webchat_allowed_origins),
            # Browsers drop a SameSite=None cookie that is not Secure.
            cookie_secure=settings.webchat_cookie_secure or samesite == "none",
            samesite=samesite,
            per_session=Limit(settings.webchat_session_messages, settings.webchat_session_seconds),
            per_ip=Limit(settings.webchat_ip_messages, settings.webchat_ip_seconds),
            max_chars=settings.webchat_max_chars,
            rotate_every=dt.timedelta(minutes=settings.webchat_rotate_minutes),
            grace=dt.timedelta(seconds=settings.webchat_replay_grace_seconds),
            wait_seconds=settings.webchat_wait_seconds,
            keep=dt.timedelta(days=settings.webchat_keep_days),
            upload_dir=settings.webchat_upload_dir,
            upload_max_bytes=settings.webchat_upload_max_bytes,
        )

    def __repr__(self) -> str:
        return f"WebchatConfig(origins={sorted(self.origins)!r})"
