"""`cchc-bot …` with database round trips counted (for bench/telegram_throughput.py).

Counts, per process, SQL statements, transaction begins, commits, rollbacks and pool
checkouts (each a pre-ping when the engine pings), and writes them every 50 events to
$CCHC_BENCH_COUNTS/<pid>.json. Forked workers inherit the listeners and write their own file.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def install(directory: Path) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool

    counts: Counter[str] = Counter()
    owner = [os.getpid()]

    def bump(kind: str) -> None:
        if owner[0] != os.getpid():  # a forked child starts from zero
            owner[0] = os.getpid()
            counts.clear()
        counts[kind] += 1
        if counts.total() % 50 == 0:
            path = directory / f"{os.getpid()}.json"
            path.with_suffix(".tmp").write_text(json.dumps(counts))
            path.with_suffix(".tmp").replace(path)

    def on(kind: str) -> Any:
        return lambda *_args, **_kwargs: bump(kind)

    def unless_autocommit(kind: str) -> Any:
        """BEGIN/COMMIT/ROLLBACK reach the server only outside autocommit."""

        def count(conn: Any, *_args: Any) -> None:
            if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                bump(kind)

        return count

    event.listen(Engine, "before_cursor_execute", on("statements"))
    if os.environ.get("CCHC_BENCH_STATEMENTS"):  # also count each statement's kind

        def by_kind(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            words = statement.split()
            table = next((w for w in words[1:6] if w.islower() and w.isidentifier()), "")
            bump(f"sql {words[0]} {table}")

        event.listen(Engine, "before_cursor_execute", by_kind)
    event.listen(Engine, "begin", unless_autocommit("begins"))
    event.listen(Engine, "commit", unless_autocommit("commits"))
    event.listen(Engine, "rollback", unless_autocommit("rollbacks"))
    event.listen(Pool, "checkout", on("checkouts"))


def profile(directory: Path) -> None:
    """cProfile the event loop thread and every core thread; write the stats at exit."""
    import atexit
    import concurrent.futures
    import cProfile
    import pstats

    import bot.gateway.front as front

    profiles = [cProfile.Profile(time.thread_time)]

    def start_thread() -> None:
        found = cProfile.Profile(time.thread_time)
        profiles.append(found)
        found.enable()

    class Profiled(concurrent.futures.ThreadPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, initializer=start_thread, **kwargs)

    front.ThreadPoolExecutor = Profiled  # type: ignore[misc]
    profiles[0].enable()

    def dump() -> None:
        profiles[0].disable()
        pstats.Stats(*profiles).dump_stats(str(directory / f"profile-{os.getpid()}.pstats"))

    atexit.register(dump)


if __name__ == "__main__":
    install(Path(os.environ["CCHC_BENCH_COUNTS"]))
    if os.environ.get("CCHC_BENCH_PROFILE"):
        profile(Path(os.environ["CCHC_BENCH_PROFILE"]))
    from bot.cli import main

    raise SystemExit(main(sys.argv[1:]))
