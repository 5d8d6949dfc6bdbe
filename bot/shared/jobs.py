"""Periodic jobs (digest, pruning) that run once per period across every worker.

The claim is a `job_runs` row inserted in the job's own transaction: the first worker's
insert holds the primary key until it commits, the others find it taken and skip. If the job
fails or its worker dies, the claim is rolled back with the job's work and another worker runs
it on its next pass. A Redis lock cannot give this: it cannot commit together with the
database work the job does, so a crash between the two would skip or repeat the period.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.models import utcnow
from bot.shared.models import JobRun
from bot.sqlutil import insert_unless_exists

log = logging.getLogger(__name__)


class PeriodicJob(Protocol):
    """A job with a name that is due once per period (a day, an hour …)."""

    name: str

    def period(self, now: dt.datetime) -> str | None:
        """The period `now` falls in when the job is due then, else None."""
        ...

    def __call__(self, session: Session, now: dt.datetime) -> object:
        """Do the work in the caller's transaction."""
        ...


def claim(session: Session, job: str, period: str) -> bool:
    """Take `job` for `period` in the caller's transaction; False when another worker has it."""
    row = {"job": job, "period": period, "started_at": utcnow()}
    return insert_unless_exists(session, JobRun, row, ["job", "period"])


def once_per_period(job: PeriodicJob) -> Callable[[Session, dt.datetime], object]:
    """A dispatcher job that runs `job` only in the worker that claims its current period."""

    def run(session: Session, now: dt.datetime) -> object:
        period = job.period(now)
        if period is None or not claim(session, job.name, period):
            return None
        log.info("running %s for %s", job.name, period)
        return job(session, now)

    run.__qualname__ = f"once_per_period({job.name})"
    return run


def claim_alone(sessions: sessionmaker[Session], job: str, period: str) -> bool:
    """Take `job` for `period` in a transaction of its own, for idempotent jobs that do not
    run in a session (a crash after the claim skips the period; the next one catches up)."""
    with sessions.begin() as session:
        return claim(session, job, period)


def hourly(now: dt.datetime) -> str:
    """The hour `now` falls in, as a period name (UTC)."""
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H")
