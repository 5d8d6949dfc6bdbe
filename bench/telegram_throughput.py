"""End-to-end Telegram throughput: fake Bot API → webhook → bot → reply recorded at the fake.

    .venv/bin/python bench/telegram_throughput.py [--db sqlite|postgresql|both] [--messages 2000]

The bot runs in this process exactly as `cchc-bot serve` runs it (Starlette + uvicorn + PTB,
webhook mode, the core in worker threads). The fake Telegram runs in a child process, with the
load generator: `--users` virtual citizens each send a question, wait for the answer, and send
the next (a closed loop), so the latency is what a citizen would see. Prints JSON: messages per
second, p50/p99 reply latency, mean time per stage (dedup, core, send), how the core's time
splits between the matcher and SQL, and the top cProfile entries of a shorter profiled run.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import multiprocessing
import os
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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


# -- the child process: fake Telegram and the virtual citizens -------------------------------
def citizens(conn: Connection, token: str, users: int, messages: int, warmup: int) -> None:
    """Child process entry point: serve the fake API, drive the load, report latencies."""
    from tests.telegram.fake_bot_api import FakeBotApi

    with FakeBotApi(webhook_workers=40) as fake:
        conn.send(fake.base_url)
        assert conn.recv() == "listening"  # the bot set its webhook and accepts requests
        asyncio.run(_drive(fake, token, users, warmup))
        conn.send("warm")
        conn.recv()  # "go": the bot has reset its counters
        started, cpu = time.perf_counter(), time.process_time()
        latencies = asyncio.run(_drive(fake, token, users, messages))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        conn.send({"elapsed": elapsed, "cpu": cpu, "latencies": latencies})
        conn.recv()  # the bot has stopped: the fake may go


async def _drive(fake: Any, token: str, users: int, messages: int) -> list[float]:
    from tests.telegram import updates

    loop = asyncio.get_running_loop()
    waiting: dict[int, asyncio.Future[float]] = {}

    def on_call(call_token: str, call: Any) -> None:
        if call_token != token or call.method != "sendMessage":
            return
        future = waiting.get(int(call.params["chat_id"]))
        if future is not None:
            loop.call_soon_threadsafe(_resolve, future, call.at)

    fake.listeners.append(on_call)
    latencies: list[float] = []

    async def citizen(n: int, count: int) -> None:
        person = updates.user(10_000_000 + n, f"Citizen {n}")
        for k in range(count):
            future: asyncio.Future[float] = loop.create_future()
            waiting[person["id"]] = future
            sent = time.monotonic()
            text = QUESTIONS[(n + k) % len(QUESTIONS)]
            fake.push_update(token, updates.message(person, text=text))
            answered = await asyncio.wait_for(future, 30)
            latencies.append(answered - sent)

    share = [messages // users + (1 if n < messages % users else 0) for n in range(users)]
    try:
        await asyncio.gather(*(citizen(n, count) for n, count in enumerate(share) if count))
    finally:
        fake.listeners.remove(on_call)
    return latencies


def _resolve(future: asyncio.Future[float], at: float) -> None:
    if not future.done():
        future.set_result(at)


# -- this process: the bot, instrumented -----------------------------------------------------
class Timer:
    """Sums the seconds spent in wrapped calls (thread-safe enough for float addition)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        return timed


def instrument_sql(engine: Any) -> Timer:
    from sqlalchemy import event

    timer = Timer()
    starts: dict[int, float] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, *_: Any) -> None:
        starts[id(conn)] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, *_: Any) -> None:
        timer.seconds += time.perf_counter() - starts.pop(id(conn), time.perf_counter())
        timer.calls += 1

    return timer


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


def top(stats: pstats.Stats, count: int) -> list[dict[str, Any]]:
    """The `count` functions with the most own time (excluding callees), as small dicts."""
    rows = []
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, tottime, cumtime, _) in raw.items():
        short = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls": calls,
                "own_s": round(tottime, 3),
                "cumulative_s": round(cumtime, 3),
            }
        )
    rows.sort(key=lambda r: r["own_s"], reverse=True)
    return rows[:count]


async def run_bot(
    url: str, users: int, messages: int, warmup: int, profile: bool, workers: int = 0
) -> dict[str, Any]:
    """Serve the bot on loopback against a fresh fake in a child process; measure."""
    import uvicorn
    from pydantic import SecretStr

    from bot.config import Settings
    from bot.runtime import build
    from handlers.server import create_app
    from handlers.telegram import bot_app
    from handlers.telegram.bot_app import WEBHOOK_PATH, TelegramChannel, TelegramConfig
    from tests.telegram.fake_bot_api import loopback_socket

    if workers:
        bot_app.WORKERS = workers  # read when the channel is built

    token = f"{uuid.uuid4().int % 10**9 + 10**9}:AAbench{uuid.uuid4().hex}"
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=citizens, args=(child, token, users, messages, warmup))
    process.start()
    base_url = receive(parent, process)

    sock = loopback_socket()
    port = sock.getsockname()[1]
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        telegram_bot_token=SecretStr(token),
        telegram_api_base_url=base_url,
        telegram_webhook_url=f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        telegram_webhook_secret=SecretStr("bench-secret"),
        flood_messages=1000,
    )
    services = build(settings)
    matcher_timer = Timer()
    services.matcher.match = matcher_timer.wrap(services.matcher.match)  # type: ignore[method-assign]
    sql_timer = instrument_sql(services.engine)
    config = TelegramConfig.from_settings(settings)
    assert config is not None
    channel = TelegramChannel(services, config)
    profiles: list[cProfile.Profile] = []
    if profile:
        channel.executor.shutdown()
        channel.executor = ThreadPoolExecutor(
            bot_app.WORKERS, initializer=lambda: _profile_thread(profiles)
        )
        channel.dispatcher.executor = channel.executor
    server = uvicorn.Server(
        uvicorn.Config(create_app(services, channel), log_config=None, access_log=False)
    )
    loop_profile = cProfile.Profile()
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        parent.send("listening")
        assert await asyncio.to_thread(receive, parent, process) == "warm"
        progress = channel.dispatcher.progress
        before = stage_seconds(progress)
        matcher_timer.seconds = sql_timer.seconds = 0.0
        matcher_timer.calls = sql_timer.calls = 0
        if profile:
            loop_profile.enable()
        bot_cpu = time.process_time()
        parent.send("go")
        report: dict[str, Any] = await asyncio.to_thread(receive, parent, process)
        bot_cpu = time.process_time() - bot_cpu
        if profile:
            loop_profile.disable()
        after = stage_seconds(progress)
    finally:
        server.should_exit = True
        await task
        sock.close()
        parent.send("done")
        process.join(timeout=30)
        services.engine.dispose()
    latencies = sorted(report["latencies"])
    handled = after["handled"] - before["handled"]
    stages = {
        stage: round((after[stage] - before[stage]) / max(handled, 1) * 1000, 3)
        for stage in ("dedup", "core", "send")
    }
    result: dict[str, Any] = {
        "messages": len(latencies),
        "messages_per_second": round(len(latencies) / report["elapsed"], 1),
        "latency_ms": {
            "p50": round(statistics.median(latencies) * 1000, 1),
            "p99": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
            "max": round(latencies[-1] * 1000, 1),
        },
        "core_threads": bot_app.WORKERS,
        "cpu_ms_per_message": {
            "bot_process": round(bot_cpu / max(handled, 1) * 1000, 2),
            "fake_telegram_and_load_generator": round(report["cpu"] / len(latencies) * 1000, 2),
        },
        "bot_stage_mean_ms": stages,
        "core_split_mean_ms": {
            "matcher": round(matcher_timer.seconds / max(handled, 1) * 1000, 3),
            "sql_execute": round(sql_timer.seconds / max(handled, 1) * 1000, 3),
            "sql_statements_per_message": round(sql_timer.calls / max(handled, 1), 1),
        },
    }
    if profile:
        result["profile_worker_threads"] = top(pstats.Stats(*profiles), 12) if profiles else []
        result["profile_event_loop"] = top(pstats.Stats(loop_profile), 12)
    return result


def receive(conn: Connection, process: Any, timeout: float = 900.0) -> Any:
    """The child's next message; fail (instead of hanging) if it died or went silent."""
    deadline = time.monotonic() + timeout
    while not conn.poll(0.5):
        if not process.is_alive():
            raise RuntimeError("the load generator process died (see its traceback above)")
        if time.monotonic() > deadline:
            raise TimeoutError("no word from the load generator")
    return conn.recv()


def stage_seconds(progress: Any) -> dict[str, float]:
    return {
        "handled": progress.handled,
        "dedup": progress.dedup_seconds,
        "core": progress.core_seconds,
        "send": progress.send_seconds,
    }


def _profile_thread(profiles: list[cProfile.Profile]) -> None:
    profile = cProfile.Profile()
    profiles.append(profile)
    profile.enable()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual citizens")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--workers", type=int, default=0, help="core threads (0: the default)")
    parser.add_argument("--profile-messages", type=int, default=500, help="0: no profiled run")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("CCHC_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    )
    args = parser.parse_args()
    import logging
    import tempfile

    logging.basicConfig(level=logging.WARNING)
    from bot.config import Settings
    from handlers.server import protect_logs

    protect_logs(Settings(_env_file=None))  # type: ignore[call-arg]
    import handlers.telegram  # noqa: F401 - sets PTB's timedelta opt-in before PTB is used

    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    output: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "users": args.users,
        "messages": args.messages,
        "results": {},
    }
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            with database(kind, args.postgres_url, Path(workdir)) as url:
                measured = asyncio.run(
                    run_bot(url, args.users, args.messages, args.warmup, False, args.workers)
                )
            if args.profile_messages:
                with database(kind, args.postgres_url, Path(workdir)) as url:
                    profiled = asyncio.run(
                        run_bot(
                            url, args.users, args.profile_messages, args.warmup, True, args.workers
                        )
                    )
                measured["profiled_run"] = {
                    k: profiled[k] for k in ("messages_per_second", "latency_ms")
                }
                measured["profile_worker_threads"] = profiled["profile_worker_threads"]
                measured["profile_event_loop"] = profiled["profile_event_loop"]
            output["results"][kind] = measured
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
