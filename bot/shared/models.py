"""Tables of the state shared by all workers on PostgreSQL (created on SQLite too, unused
there except `job_runs`, so one migration serves both)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Float, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow

# The flood log is a short sorted array of epoch seconds; SQLite has no arrays (and no use
# for this table), so it gets JSON there.
TIMES = ARRAY(Float).with_variant(JSON(), "sqlite")


class FloodLog(Base):
    """One citizen's accepted message times inside the window, and rejections since."""

    __tablename__ = "shared_flood"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    accepted: Mapped[list[float]] = mapped_column(TIMES)
    rejected: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[float] = mapped_column(Float)


class RateSlot(Base):
    """The next free send slot of one key (a bot token), in epoch seconds."""

    __tablename__ = "shared_rates"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    next_slot: Mapped[float] = mapped_column(Float)


class AlertWindow(Base):
    """Staff alerts sent in the current fixed window, and those held back since the last."""

    __tablename__ = "shared_alerts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    period: Mapped[int] = mapped_column(BigInteger)  # window number: floor(now / seconds)
    count: Mapped[int] = mapped_column(Integer)
    held: Mapped[int] = mapped_column(Integer)
    released: Mapped[int] = mapped_column(Integer)  # `held` as it was at the last alert sent


class JobRun(Base):
    """A periodic job's run for one period; the primary key lets only one worker have it."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
