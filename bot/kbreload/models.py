"""`kb_versions`: every accepted reload request, the newest being the one to serve."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow


class KbVersion(Base):
    """A knowledge base that passed validation and that every worker should serve."""

    __tablename__ = "kb_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the files, hex
    entries: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
