"""The hourly pruning of shared state, run by one worker per hour (see `bot.shared.jobs`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.shared.jobs import hourly
from bot.shared.models import FloodLog, JobRun

FLOOD_IDLE = dt.timedelta(days=1)  # far longer than any flood window
JOB_HISTORY = dt.timedelta(days=90)


class PruneSharedState:
    """Forget idle citizens' flood logs and old job runs."""

    name = "prune-shared-state"

    def period(self, now: dt.datetime) -> str | None:
        """Due once every hour."""
        return hourly(now)

    def __call__(self, session: Session, now: dt.datetime) -> object:
        """Delete what is no longer needed, in the caller's transaction."""
        idle_before = (now - FLOOD_IDLE).timestamp()
        session.execute(delete(FloodLog).where(FloodLog.updated_at < idle_before))
        session.execute(delete(JobRun).where(JobRun.started_at < now - JOB_HISTORY))
        return True
