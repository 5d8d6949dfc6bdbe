"""Feedback settings (environment variables prefixed FEEDBACK_), built once at wiring time."""

from __future__ import annotations

import datetime as dt

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

CATEGORIES: tuple[str, ...] = ("tre_hen", "thai_do", "quy_dinh", "dvc", "khac")
QUESTION = "cau_hoi"  # a question the bot could not answer, forwarded to staff by the citizen
REPORTED_CATEGORIES: tuple[str, ...] = (*CATEGORIES, QUESTION)


class FeedbackConfig(BaseSettings):
    """How long drafts live, how many working days each category may take, and the outbox.

    `FEEDBACK_HANDLING_DAYS='{"tre_hen": 5, "khac": 15}'` overrides days per category.
    """

    model_config = SettingsConfigDict(
        env_prefix="FEEDBACK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    draft_minutes: int = Field(default=120, ge=1)
    handling_days: dict[str, int] = Field(
        default_factory=lambda: {
            "tre_hen": 5,
            "thai_do": 10,
            "quy_dinh": 10,
            "dvc": 5,
            "khac": 10,
            "cau_hoi": 3,
        }
    )
    default_handling_days: int = Field(default=10, ge=1)
    digest_hour: int = Field(default=8, ge=0, le=23)
    outbox_lease_seconds: int = Field(default=30, ge=5)  # renewed while sending
    outbox_max_attempts: int = Field(default=8, ge=1)

    @property
    def draft_ttl(self) -> dt.timedelta:
        """How long an untouched draft is kept."""
        return dt.timedelta(minutes=self.draft_minutes)

    def days_for(self, category: str) -> int:
        """Working days the office has to answer a ticket of `category`."""
        return self.handling_days.get(category, self.default_handling_days)
