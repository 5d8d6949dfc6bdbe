"""End-to-end Telegram throughput: citizens → webhook → `cchc-bot serve` → reply at the fake.

    .venv/bin/python bench/telegram_throughput.py [--db postgresql|sqlite] [--workers 2]
        [--users 50] [--messages 2000]

The bot runs as it does in production: `cchc-bot serve --workers N` (real processes, the
durable inbox, PostgreSQL or SQLite), with its database round trips counted
(bench/counted_serve.py). The fake Telegram and the closed-loop citizens share one cheap
asyncio loop in this process (bench/lean_fake.py). Prints JSON: messages per second, p50/p99
reply latency, CPU milliseconds per message of the bot processes (from /proc), of this harness
and of the PostgreSQL backends serving the bot (same cores), database round trips (counted at
the driver) and Bot API calls per message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.lean_fake import Citizens, LeanFake  # noqa: E402

QUESTIONS = (
    "làm căn cước ở đâu",
    "dang ky khai sinh cho con can giay to gi",
    "thủ tục đăng ký kết hôn",
    "chứng thực bản sao mất bao lâu",
    "how do I register my baby's birth",
    "đăng ký thường trú cần gì",
    "lệ phí cấp lại căn cước",
    "nộp hồ sơ trực tuyến thế nào",
    "số điện thoại đường dây nóng",
    "xin giấy xác nhận tình trạng hôn nhân",
    "cho hỏi về giấy",
    "tài khoản định danh mức 2 làm sao",
)
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = "bench-secret"  # noqa: S105 - the fake's webhook secret
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(kind: str, postgres_url: str, workdir: Path) -> Iterator[str]:
    from bot.db import temporary_postgres, upgrade

    if kind == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        upgrade(url)
        yield url
        return
    with temporary_postgres(postgres_url, "cchc_bench") as url:
        yield url


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def server_cpu(url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving the bench database (the bot's
    pooled connections: the server runs on the same cores). Empty for SQLite."""
    if not url.startswith("postgresql"):
        return {}
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    found = {}
    for (pid,) in rows:
        try:
            found[pid] = cpu_seconds([pid])
        except (FileNotFoundError, ProcessLookupError):
            continue  # gone meanwhile (or another host's server)
    return found


def bot_pids(root: int) -> list[int]:
    """The serving processes: the forked workers, or the process itself with one worker."""
    children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
    return [int(c) for c in children] or [root]


def round_trips(directory: Path) -> Counter[str]:
    found: Counter[str] = Counter()
    for path in directory.glob("*.json"):
        found.update(json.loads(path.read_text()))
    return found


def start_bot(
    url: str, fake: LeanFake, workers: int, counts: Path, cwd: Path, log: Path | None = None
) -> tuple[Any, int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(
        DATABASE_URL=url,
        PORT=str(port),
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN="4242:AAbench" + "x" * 30,
        TELEGRAM_API_BASE_URL=fake.base_url,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        FLOOD_MESSAGES="100000",
        # The bot's own capacity is measured, not Telegram's ~30 msg/s per bot (the fake
        # server does not limit), so the shared send rate is opened wide.
        TELEGRAM_SEND_RATE="100000",
        LOG_LEVEL="WARNING",
        CCHC_BENCH_COUNTS=str(counts),
    )
    command = [sys.executable, str(ROOT / "bench" / "counted_serve.py"), "serve"]
    errors = log.open("w") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [*command, "--workers", str(workers)], cwd=cwd, env=env, stderr=errors
    )
    return process, port


async def wait_ready(port: int, workers: int, process: Any) -> None:
    """Until every worker answers /healthz with the front door running."""
    import httpx

    deadline = time.monotonic() + 120
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the bot exited"
            try:
                body = (await client.get(f"http://127.0.0.1:{port}/healthz")).json()
                ready = body["inbox"]["running"] and len(bot_pids(process.pid)) == workers
                if ready and body["channels"]["telegram"]["state"] == "running":
                    await asyncio.sleep(1.0)  # the other workers finish their startup
                    return
            except (httpx.HTTPError, KeyError):
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError("the bot did not come up")


async def measure(url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    fake = LeanFake()
    server = await fake.start()
    counts = workdir / f"counts-{uuid.uuid4().hex[:6]}"
    counts.mkdir()
    process, port = start_bot(url, fake, args.workers, counts, workdir, args.bot_log)
    try:
        await wait_ready(port, args.workers, process)
        citizens = Citizens(fake, port, SECRET, QUESTIONS)
        await citizens.run(args.users, args.warmup, 10_000_000)
        pids = bot_pids(process.pid)
        calls_before, trips_before = Counter(fake.calls), round_trips(counts)
        server_before = server_cpu(url)
        bot_before, own_before = cpu_seconds(pids), time.process_time()
        started = time.perf_counter()
        latencies = await citizens.run(args.users, args.messages, 10_000_000)
        elapsed = time.perf_counter() - started
        bot_cpu, own_cpu = cpu_seconds(pids) - bot_before, time.process_time() - own_before
        server_after = server_cpu(url)
        db_cpu = sum(v - server_before.get(pid, 0.0) for pid, v in server_after.items())
        calls = Counter(fake.calls)
        calls.subtract(calls_before)
        trips = round_trips(counts)
        trips.subtract(trips_before)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        server.close()
    return report(args, latencies, elapsed, (bot_cpu, own_cpu, db_cpu), calls, trips)


def report(
    args: argparse.Namespace,
    latencies: list[float],
    elapsed: float,
    cpu: tuple[float, float, float],
    calls: Counter[str],
    trips: Counter[str],
) -> dict[str, Any]:
    n = len(latencies)
    bot_cpu, own_cpu, db_cpu = cpu
    latencies.sort()
    per = {k: round(v / n, 2) for k, v in sorted(trips.items())}
    total_trips = trips["statements"] + trips["begins"] + trips["commits"] + trips["rollbacks"]
    return {
        "workers": args.workers,
        "messages": n,
        "messages_per_second": round(n / elapsed, 1),
        "latency_ms": {
            "p50": round(statistics.median(latencies) * 1000, 1),
            "p99": round(latencies[max(int(n * 0.99) - 1, 0)] * 1000, 1),
            "max": round(latencies[-1] * 1000, 1),
        },
        "cpu_ms_per_message": {
            "bot_processes": round(bot_cpu / n * 1000, 2),
            "fake_telegram_and_citizens": round(own_cpu / n * 1000, 2),
            "postgresql_backends": round(db_cpu / n * 1000, 2),
        },
        "database_per_message": {
            **per,
            "round_trips": round(total_trips / n, 2),
            "note": "counted at the driver (psycopg; PostgreSQL only): round trips = "
            "statements + begins + commits + rollbacks",
        },
        "bot_api_calls_per_message": {k: round(v / n, 2) for k, v in sorted(calls.items()) if v},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--workers", type=int, default=1, help="bot processes (serve --workers)")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual citizens")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--bot-log", type=Path, help="write the bot's log (stderr) here")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("CCHC_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    )
    args = parser.parse_args()
    if args.db == "sqlite" and args.workers > 1:
        parser.error("SQLite serves one process only")
    output: dict[str, Any] = {"cpus": os.cpu_count(), "users": args.users, "db": args.db}
    with (
        tempfile.TemporaryDirectory() as workdir,
        database(args.db, args.postgres_url, Path(workdir)) as url,
    ):
        output["result"] = asyncio.run(measure(url, args, Path(workdir)))
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
