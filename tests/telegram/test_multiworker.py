"""Real `cchc-bot serve` processes on PostgreSQL: `kill -9` loses nothing acknowledged, and
two workers fed the same updates handle each exactly once, every citizen in order."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from bot.db import normalise_url, temporary_postgres
from bot.gateway.inbox import OPEN
from bot.models import InboxItem
from tests.conftest import POSTGRES_URL, _postgres_available
from tests.telegram import crashkit
from tests.telegram.conftest import new_token
from tests.telegram.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.postgres


@pytest.fixture
def database() -> Iterator[str]:
    if not _postgres_available():
        pytest.skip("PostgreSQL not reachable (set CCHC_TEST_POSTGRES_URL)")
    with temporary_postgres(POSTGRES_URL, "cchc_workers") as url:
        yield url


def open_rows(url: str) -> int:
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        found = connection.execute(
            select(func.count()).select_from(InboxItem).where(InboxItem.state.in_(OPEN))
        ).scalar_one()
    engine.dispose()
    return int(found)


def test_two_workers_same_updates_one_killed_half_way(
    database: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    token = new_token()
    pool = crashkit.workers(database, fake_api, token, 2, tmp_path)
    for worker in pool:
        worker.start()
    try:
        for worker in pool:
            worker.wait_ready()
        load = crashkit.Load(pool, fake_api, token, citizens=20, each=5)
        asyncio.run(load.run(at_half=pool[0].kill))  # stays dead: the other one takes over
        crashkit.wait_answered(fake_api, token, load, timeout=60)
        figures = crashkit.count(database, fake_api, token, load)
    finally:
        for worker in pool:
            worker.stop()
    print(figures)
    assert figures["updates"] == 100
    assert figures["deliveries"] >= 150  # most updates went to both workers
    assert (figures["lost"], figures["duplicated"], figures["out_of_order"]) == (0, 0, 0)
    assert figures["replies_missing"] == 0
    assert figures["replies_repeated"] <= 1  # a crash between send and "done": one repeat


def test_acknowledged_updates_survive_kill_9_and_a_restart(
    database: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    token = new_token()
    [worker] = crashkit.workers(database, fake_api, token, 1, tmp_path)
    fake_api.fail_next(token, "sendMessage", "429", count=40)  # answers wait 1 s each
    worker.start()
    try:
        worker.wait_ready()
        load = crashkit.Load([worker], fake_api, token, citizens=40, each=1, first_user=30_000_000)
        asyncio.run(load.run())  # all 40 acknowledged with a 200 ...
        worker.kill()  # ... then kill -9 at once
        waiting = open_rows(database)
        worker.start()
        worker.wait_ready()
        crashkit.wait_answered(fake_api, token, load, timeout=60)
        figures = crashkit.count(database, fake_api, token, load)
    finally:
        worker.stop()
    print(waiting, figures)
    assert waiting > 0  # the kill did catch acknowledged updates not yet answered
    assert (figures["lost"], figures["duplicated"], figures["out_of_order"]) == (0, 0, 0)
    assert figures["replies_missing"] == 0
    assert open_rows(database) == 0


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--workers", "2"],
        cwd=tmp_path,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PYTHONPATH": str(crashkit.ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "SQLite serves one process only" in result.stderr
