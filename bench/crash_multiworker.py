"""Several `cchc-bot serve` processes on one PostgreSQL, one killed with `kill -9` half-way.

    .venv/bin/python bench/crash_multiworker.py [--workers 2] [--citizens 100] [--each 10]

Every update is POSTed to every worker (the same update redelivered to each); 1,000 distinct
updates from 100 citizens by default. When half of them are acknowledged, worker 0 gets
`kill -9` and is started again a second later. Prints JSON: lost, duplicated and
out-of-order (from the core's message log), replies missing or repeated (at the fake
Telegram), and how long until every update was answered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--citizens", type=int, default=100)
    parser.add_argument("--each", type=int, default=10, help="updates per citizen")
    parser.add_argument("--no-restart", action="store_true", help="leave the killed one dead")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("CCHC_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    )
    args = parser.parse_args()
    from bot.db import temporary_postgres
    from tests.telegram import crashkit
    from tests.telegram.conftest import new_token
    from tests.telegram.fake_bot_api import FakeBotApi

    token = new_token()
    with (
        FakeBotApi() as fake,
        temporary_postgres(args.postgres_url, "cchc_crash") as url,
        tempfile.TemporaryDirectory() as cwd,
    ):
        pool = crashkit.workers(url, fake, token, args.workers, Path(cwd))
        for worker in pool:
            worker.start()
        for worker in pool:
            worker.wait_ready()
        killed: dict[str, float] = {}

        def kill_one() -> None:
            killed["at"] = time.monotonic()
            pool[0].kill()
            if not args.no_restart:
                time.sleep(1.0)
                pool[0].start()

        load = crashkit.Load(pool, fake, token, args.citizens, args.each)
        started = time.monotonic()
        try:
            asyncio.run(load.run(at_half=kill_one))
            acked = time.monotonic() - started
            crashkit.wait_answered(fake, token, load)
            answered = time.monotonic() - started
            figures = crashkit.count(url, fake, token, load)
        finally:
            for worker in pool:
                worker.stop()
    figures.update(
        workers=args.workers,
        killed_worker_restarted=not args.no_restart,
        seconds_to_acknowledge_all=round(acked, 1),
        seconds_to_answer_all=round(answered, 1),
        seconds_from_kill_to_all_answered=round(started + answered - killed["at"], 1),
    )
    print(json.dumps(figures, indent=2))
    return 0 if figures["lost"] == figures["duplicated"] == figures["out_of_order"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
