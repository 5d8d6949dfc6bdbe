"""Shared state for several workers: PostgreSQL against Redis (and memory for scale).

    .venv/bin/python bench/shared_state.py [--ops 3000] [--threads 4]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--redis redis://127.0.0.1:6379/0]

For each backend and each operation the bot performs (a flood check per inbound message, a
send-rate booking per outgoing message, an alert-limit hit per staff alert) it measures the
latency of one call at a time (p50, p99 in ms) and the throughput of `--threads` threads with
a client each (ops/s), as several workers would call it. PostgreSQL runs in a temporary
database, Redis under a unique key prefix that is deleted afterwards. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.db import make_engine, temporary_postgres  # noqa: E402
from bot.shared.backends import (  # noqa: E402
    SharedState,
    connect_redis,
    in_memory,
    in_postgres,
    in_redis,
    unique_prefix,
)
from bot.shared.protocols import Window  # noqa: E402

FLOOD = Window(8, 10.0)
ALERTS = Window(1, 60.0)
Op = Callable[[SharedState, int], object]
OPS: dict[str, Op] = {
    # 1,000 citizens, so most checks find a row to update, as in production
    "flood.check": lambda s, n: s.flood.check(f"telegram:{n % 1000}", FLOOD, time.time()),
    # one bot token; a huge rate so the booking never waits and only its cost is measured
    "rate.reserve": lambda s, _n: s.rate.reserve("send:telegram", 1e9, time.time()),
    "alerts.hit": lambda s, _n: s.alerts.hit("staff-alerts", ALERTS, time.time()),
}


def latency(state: SharedState, op: Op, count: int) -> dict[str, float]:
    """One call at a time: p50 and p99 in milliseconds."""
    for n in range(min(200, count)):  # warm the pool, the scripts and the rows
        op(state, n)
    times = []
    for n in range(count):
        start = time.perf_counter()
        op(state, n)
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return {"p50_ms": round(cuts[49], 3), "p99_ms": round(cuts[98], 3)}


def throughput(states: list[SharedState], op: Op, count: int) -> float:
    """Operations per second of len(states) threads, each with its own client."""
    start_line = threading.Barrier(len(states) + 1)

    def run(index: int) -> None:
        start_line.wait()
        for n in range(count // len(states)):
            op(states[index], index * count + n)

    with ThreadPoolExecutor(len(states)) as pool:
        futures = [pool.submit(run, i) for i in range(len(states))]
        start_line.wait()
        started = time.perf_counter()
        for future in futures:
            future.result()
    return round(count / (time.perf_counter() - started))


@contextmanager
def postgres_states(url: str, threads: int) -> Iterator[list[SharedState]]:
    with temporary_postgres(url, "cchc_bench_shared") as database:
        engines = [make_engine(database) for _ in range(threads)]
        try:
            yield [in_postgres(engine) for engine in engines]
        finally:
            for engine in engines:
                engine.dispose()


@contextmanager
def redis_states(url: str, threads: int) -> Iterator[list[SharedState]]:
    prefix = unique_prefix("cchc-bench")
    clients = [connect_redis(url) for _ in range(threads)]
    try:
        yield [in_redis(client, prefix) for client in clients]
    finally:
        for key in clients[0].scan_iter(match=prefix + "*"):
            clients[0].delete(key)
        for client in clients:
            client.close()


@contextmanager
def memory_states(threads: int) -> Iterator[list[SharedState]]:
    state = in_memory()
    yield [state] * threads


def measure(states: list[SharedState], ops: int) -> dict[str, Any]:
    figures = {}
    for name, op in OPS.items():
        figures[name] = {
            **latency(states[0], op, ops),
            "ops_per_s": throughput(states, op, ops),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CCHC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    report: dict[str, Any] = {"ops": args.ops, "threads": args.threads, "cpus": os.cpu_count()}
    with memory_states(args.threads) as states:
        report["memory"] = measure(states, args.ops)
    with postgres_states(args.postgres, args.threads) as states:
        report["postgresql"] = measure(states, args.ops)
    with redis_states(args.redis, args.threads) as states:
        report["redis"] = measure(states, args.ops)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
