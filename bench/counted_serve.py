"""`cchc-bot …` with database round trips counted (for bench/telegram_throughput.py).

Counts, per process, SQL statements, transaction begins, commits, rollbacks (as psycopg sends
them, whoever built the statement) and pool checkouts, and writes them every 50 events to
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
    """Count at the driver (psycopg), so statements sent by SQLAlchemy and by hand both count:
    every query a cursor sends, every BEGIN / COMMIT / ROLLBACK psycopg sends for a
    transaction, and the pool's checkouts."""
    import psycopg
    from psycopg._connection_base import BaseConnection
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    counts: Counter[str] = Counter()
    owner = [os.getpid()]
    by_kind = bool(os.environ.get("CCHC_BENCH_STATEMENTS"))

    def bump(kind: str, n: int = 1) -> None:
        if owner[0] != os.getpid():  # a forked child starts from zero
            owner[0] = os.getpid()
            counts.clear()
        counts[kind] += n
        if counts.total() % 50 == 0:
            path = directory / f"{os.getpid()}.json"
            path.with_suffix(".tmp").write_text(json.dumps(counts))
            path.with_suffix(".tmp").replace(path)

    def kind_of(query: Any) -> None:
        if not by_kind:
            return
        sql = query if isinstance(query, str) else getattr(query, "_sql", None) or str(query)
        words = str(sql).replace("(", " ").split()
        table = next((w for w in words[1:8] if w.islower() and w.isidentifier()), "")
        bump(f"sql {words[0].upper() if words else '?'} {table}")

    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def counted_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        bump("statements")
        kind_of(query)
        return execute(self, query, *args, **kwargs)

    def counted_executemany(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        bump("statements")  # psycopg pipelines the rows: one round trip
        kind_of(query)
        return executemany(self, query, *args, **kwargs)

    command = BaseConnection._exec_command
    names = {b"BEGIN": "begins", b"COMMIT": "commits", b"ROLLBACK": "rollbacks"}

    def counted_command(self: Any, sql: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(sql, bytes):
            bump(names.get(sql.split(b" ", 1)[0], "commands"))
        return command(self, sql, *args, **kwargs)

    psycopg.Cursor.execute = counted_execute  # type: ignore[method-assign]
    psycopg.Cursor.executemany = counted_executemany  # type: ignore[method-assign]
    BaseConnection._exec_command = counted_command  # type: ignore[method-assign,assignment]
    event.listen(Pool, "checkout", lambda *_args: bump("checkouts"))


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
