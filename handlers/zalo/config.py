"""What the Zalo channel needs from the settings (present only when Zalo is configured)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.config import Settings

ZALO_OFF = "ZALO_APP_ID and ZALO_OA_SECRET_KEY are not set"


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()).strip() if getter is not None else ""


@dataclass(frozen=True)
class ZaloConfig:
    """Zalo's ids, secrets and addresses; secrets are plain here, so never log this object."""

    app_id: str
    oa_secret_key: str
    app_secret: str
    access_token: str
    refresh_token: str
    api_base_url: str
    oauth_base_url: str
    window: dt.timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> ZaloConfig | None:
        """None unless ZALO_APP_ID and ZALO_OA_SECRET_KEY are both set."""
        app_id = (settings.zalo_app_id or "").strip()
        oa_secret = _secret(settings.zalo_oa_secret_key)
        if not app_id or not oa_secret:
            return None
        return cls(
            app_id=app_id,
            oa_secret_key=oa_secret,
            app_secret=_secret(settings.zalo_app_secret),
            access_token=_secret(settings.zalo_access_token),
            refresh_token=_secret(settings.zalo_refresh_token),
            api_base_url=settings.zalo_api_base_url.rstrip("/"),
            oauth_base_url=settings.zalo_oauth_base_url.rstrip("/"),
            window=dt.timedelta(hours=settings.zalo_window_hours),
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never reach a log line."""
        found = (self.oa_secret_key, self.app_secret, self.access_token, self.refresh_token)
        return tuple(s for s in found if s)

    def __repr__(self) -> str:
        return f"ZaloConfig(app_id={self.app_id!r}, api={self.api_base_url!r})"
