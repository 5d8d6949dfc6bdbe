"""Periodic jobs run once per period across workers, and again if the run failed."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import make_engine, make_sessions
from bot.feedback.digest import DailyDigest
from bot.outbox import OutboxMessage
from bot.shared.jobs import once_per_period
from bot.shared.models import FloodLog, JobRun
from bot.shared.pruning import PruneSharedState

MONDAY_9 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội


class Counted:
    """A job that records each run; can be told to fail."""

    name = "counted"

    def __init__(self) -> None:
        self.runs = 0
        self.fail_next = False
        self._lock = threading.Lock()

    def period(self, now: dt.datetime) -> str | None:
        return now.date().isoformat()

    def __call__(self, session: Session, now: dt.datetime) -> object:
        with self._lock:
            self.runs += 1
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the job broke")
        return True


def test_two_workers_run_a_job_once_per_period(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(2)]
    job = Counted()
    runner = once_per_period(job)
    start = threading.Barrier(2)

    def worker(n: int) -> None:
        sessions = make_sessions(engines[n])
        start.wait()
        for _ in range(5):  # every dispatcher pass tries again
            with sessions.begin() as session:
                runner(session, MONDAY_9)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(worker, range(2)))
    assert job.runs == 1
    sessions = make_sessions(engines[0])
    with sessions() as session:
        assert session.scalars(select(JobRun.period)).all() == ["2026-11-30"]
    with sessions.begin() as session:
        runner(session, MONDAY_9 + dt.timedelta(days=1))  # the next period runs again
    assert job.runs == 2
    for engine in engines:
        engine.dispose()


def test_a_failed_run_is_not_claimed_and_runs_again(db_url: str) -> None:
    engine = make_engine(db_url)
    sessions = make_sessions(engine)
    job = Counted()
    job.fail_next = True
    runner = once_per_period(job)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        runner(session, MONDAY_9)
    with sessions.begin() as session:
        assert runner(session, MONDAY_9) is True
        assert runner(session, MONDAY_9) is None  # claimed now
    assert job.runs == 2
    engine.dispose()


def test_the_digest_is_due_on_working_days_from_its_hour(db_url: str) -> None:
    digest = DailyDigest(-100, hour=8)
    assert digest.period(MONDAY_9) == "2026-11-30"
    assert digest.period(MONDAY_9 - dt.timedelta(hours=2)) is None  # 07:00
    assert digest.period(MONDAY_9 - dt.timedelta(days=2)) is None  # Saturday
    engine = make_engine(db_url)
    sessions = make_sessions(engine)
    runner = once_per_period(digest)
    for _ in range(3):
        with sessions.begin() as session:
            runner(session, MONDAY_9)
    with sessions() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 1
    engine.dispose()


def test_pruning_forgets_idle_flood_logs_and_old_runs(db_url: str) -> None:
    engine = make_engine(db_url)
    sessions = make_sessions(engine)
    now = MONDAY_9
    with sessions.begin() as session:
        old, recent = (now - dt.timedelta(days=2)).timestamp(), now.timestamp()
        session.add(FloodLog(key="idle", accepted=[old], rejected=0, updated_at=old))
        session.add(FloodLog(key="recent", accepted=[recent], rejected=0, updated_at=recent))
        session.add(JobRun(job="x", period="p", started_at=now - dt.timedelta(days=200)))
    with sessions.begin() as session:
        assert once_per_period(PruneSharedState())(session, now) is True
    with sessions() as session:
        assert session.scalars(select(FloodLog.key)).all() == ["recent"]
        assert session.scalars(select(JobRun.job)).all() == ["prune-shared-state"]
    engine.dispose()
