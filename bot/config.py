"""Settings from the environment (and an optional `.env`), passed in, never global."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.matcher import Thresholds


class Settings(BaseSettings):
    """Everything the bot can be told from outside. Secrets are `SecretStr`: they never print."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default="sqlite:///cchc-bot.db")
    kb_dir: Path | None = None
    answer_threshold: float = 40.0
    suggest_threshold: float = 35.0
    answer_margin: float = 0.0
    followup_minutes: float = 30.0  # a follow-up ("how much is it?") refers to the last topic

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    staff_chat_id: int | None = None
    # Messages per second this bot may send in all (replies, outbox, announcements), shared
    # by every worker; Telegram allows about 30 per bot.
    telegram_send_rate: float = Field(default=25.0, gt=0)

    # Zalo Official Account (on when ZALO_APP_ID and ZALO_OA_SECRET_KEY are set).
    zalo_app_id: str | None = None
    zalo_app_secret: SecretStr | None = None  # OAuth: refreshing the access token
    zalo_oa_secret_key: SecretStr | None = None  # webhook signature (not the app secret)
    zalo_access_token: SecretStr | None = None  # the first pair; later ones live in the db
    zalo_refresh_token: SecretStr | None = None
    zalo_api_base_url: str = "https://openapi.zalo.me"
    zalo_oauth_base_url: str = "https://oauth.zaloapp.com"
    zalo_window_hours: float = 168.0  # free-form replies after the citizen's last message

    # Staff web desk (/admin): the key that signs its session cookie (random per start when
    # unset: everyone logs in again after a restart); Secure cookies off only for plain-HTTP
    # development (default: Secure whenever the request came over HTTPS).
    desk_secret_key: SecretStr | None = None
    desk_cookie_secure: bool | None = None

    # Web chat on the commune's portal (`/`, `/widget.js`, `/api/chat`; see docs/webchat.md).
    webchat_enabled: bool = True
    webchat_secret: SecretStr | None = None  # signs session cookies; random per process if unset
    webchat_allowed_origins: str = ""  # comma-separated portal origins allowed by CORS
    webchat_cookie_secure: bool = False  # set true behind HTTPS (always with SameSite=None)
    webchat_cookie_samesite: str = "lax"  # "none" when the portal is on another site
    webchat_session_messages: int = Field(default=8, ge=1)  # per session per window
    webchat_session_seconds: float = Field(default=10.0, gt=0)
    webchat_ip_messages: int = Field(default=60, ge=1)  # per client address per window
    webchat_ip_seconds: float = Field(default=60.0, gt=0)
    webchat_max_chars: int = Field(default=1000, ge=1)
    webchat_rotate_minutes: float = Field(default=15.0, ge=0)  # session cookie re-signed
    webchat_replay_grace_seconds: float = Field(default=30.0, ge=0)
    webchat_wait_seconds: float = Field(default=20.0, gt=0)  # then the page polls instead
    webchat_keep_days: float = Field(default=180.0, gt=0)  # idle conversations then deleted
    webchat_upload_dir: Path = Path("webchat-uploads")  # photos and PDFs; never served
    webchat_upload_max_bytes: int = Field(default=5 * 1024 * 1024, ge=0)  # 0: no uploads

    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "INFO"
    flood_messages: int = 8
    flood_seconds: float = 10.0
    # Shared state of several workers (flood control, send rate, alert limit): Redis when
    # set, else the PostgreSQL database; SQLite keeps it in the one process.
    redis_url: SecretStr | None = None

    def thresholds(self) -> Thresholds:
        """Matcher thresholds from these settings."""
        return Thresholds(self.answer_threshold, self.suggest_threshold, self.answer_margin)
