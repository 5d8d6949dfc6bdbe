"""An announcement to N subscribers against the fake Telegram, with a `kill -9` half-way.

    .venv/bin/python bench/broadcast.py [--subscribers 100000] [--db postgresql|sqlite]
        [--rate 29] [--limit 30] [--fast-subscribers 20000] [--fast-rate 1000] [--no-kill]
        [--fast-processes N] [--shared memory|postgresql|redis://…] [--fast-limit L]

Phase 1: the fake Bot API enforces `--limit` messages a second (429 beyond it); one dispatcher
process (`--rate`, the bot's TELEGRAM_SEND_RATE) delivers; when half the subscribers have the
message the process gets SIGKILL and a new one is started. Prints the achieved rate (as a share
of `--rate` and of `--limit`), 429s, duplicates and losses (from the fake's own record of what
it accepted), and each process's peak memory. Phase 2: the same at `--fast-rate` with no
platform limit, to show the sender is not the bottleneck; with `--fast-processes N` and
`--shared`, N dispatcher processes book one send rate (as the bot's workers do), and with
`--fast-limit` the fake enforces a limit too, so its 429 count shows whether the shared rate
held. Prints figures; not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIRST_CHAT = 10**9
GAP = 2.0
VACUUM_EVERY = float(os.environ.get("BENCH_VACUUM_EVERY", "120"))  # s; when autovacuum is off
PROGRESS_EVERY = float(os.environ.get("BENCH_PROGRESS_EVERY", "60"))  # s between progress lines
CONCURRENCY = [0]  # rows in flight per dispatcher; 0: the product default
BATCH = [0]  # rows per claim; 0: the product default
SHARED = ["memory"]  # where the dispatchers book the send rate: memory, postgresql, redis://…


@contextmanager
def database(kind: str, postgres_url: str) -> Iterator[str]:
    from bot.db import temporary_postgres, upgrade

    if kind == "postgresql":
        with temporary_postgres(postgres_url, "cchc_bcast") as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        yield url


def seed(url: str, subscribers: int) -> int:
    """`subscribers` Telegram contacts who subscribed, a staff member, a running announcement."""
    from sqlalchemy import insert

    from bot.broadcast import announcements, cards
    from bot.db import make_engine, make_sessions
    from bot.feedback.models import Staff
    from bot.models import Contact, utcnow

    engine = make_engine(url)
    sessions = make_sessions(engine)
    now = utcnow()
    with sessions.begin() as session:
        for start in range(0, subscribers, 5000):
            rows = [
                {
                    "channel": "telegram",
                    "external_id": str(FIRST_CHAT + n),
                    "language": "vi",
                    "language_chosen": False,
                    "subscribed": True,
                    "blocked": False,
                    "created_at": now,
                    "last_seen_at": now,
                }
                for n in range(start, min(start + 5000, subscribers))
            ]
            session.execute(insert(Contact), rows)
        session.add(Staff(channel="telegram", external_id="1", name="Bench", role="staff"))
    with sessions.begin() as session:
        staff = announcements.staff_for(session, "telegram", "1")
        item = announcements.create(
            session,
            staff,
            announcements.Draft(text="Thông báo thử nghiệm: lịch làm việc Bộ phận Một cửa."),
        )
        announcements.confirm(session, staff, item, utcnow())
        cards.open_card(session, item, "telegram", "1", utcnow())  # as /thongbao does
        announcement_id = item.id
    engine.dispose()
    return announcement_id


class Vacuum:
    """What autovacuum does in production, on a server that has it off (the test server):
    `VACUUM (ANALYZE) outbox` every `every` seconds. Without it the outbox's dead rows (three
    row versions a message: lease, sent) slow every claim down: measured in the 100,000 run,
    27 msg/s at the start fell to 15 by 50,000 rows and came back to 24 after one VACUUM."""

    def __init__(self, url: str, every: float) -> None:
        from sqlalchemy import create_engine, text

        self.engine: Any = None
        self.every, self.count, self.due = every, 0, time.monotonic() + every
        if not url.startswith("postgresql") or every <= 0:
            return
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            if connection.execute(text("SHOW autovacuum")).scalar_one() == "on":
                engine.dispose()
                return
        self.engine = engine

    def tick(self) -> None:
        from sqlalchemy import text

        if self.engine is None or time.monotonic() < self.due:
            return
        self.due = time.monotonic() + self.every
        with self.engine.connect() as connection:
            connection.execute(text("VACUUM (ANALYZE) outbox"))
        self.count += 1

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def status(url: str, announcement_id: int) -> str:
    from bot.broadcast.models import Announcement
    from bot.db import make_engine, make_sessions

    engine = make_engine(url)
    try:
        with make_sessions(engine)() as session:
            item = session.get(Announcement, announcement_id)
            return item.status if item else "missing"
    finally:
        engine.dispose()


# -- the dispatcher process ----------------------------------------------------------------
def worker(
    url: str,
    base_url: str,
    token: str,
    rate: float,
    announcement_id: int,
    concurrency: int,
    shared: str = "memory",
    batch: int = 0,
) -> None:
    """One dispatcher until the announcement is done; prints its peak memory as JSON.
    `shared`: where the send rate is booked (memory: this process only; postgresql or
    redis://…: shared by every dispatcher process, as the bot's workers share it)."""
    from sqlalchemy import select
    from telegram import Bot

    from bot.broadcast.cards import StatusCards
    from bot.broadcast.expander import Expander
    from bot.broadcast.models import Announcement
    from bot.db import make_engine, make_sessions
    from bot.dispatcher import Dispatcher
    from bot.outbox import OutboxMessage
    from bot.shared.memory import MemoryRate
    from handlers.telegram.request import JsonRequest
    from handlers.telegram.sender import TelegramSender

    engine = make_engine(url)
    sessions = make_sessions(engine)
    rate_store: Any = MemoryRate()
    if shared == "postgresql":
        from bot.shared.backends import in_postgres

        rate_store = in_postgres(engine, f"bench{announcement_id}:").rate
    elif shared.startswith("redis://"):
        from bot.shared.backends import connect_redis, in_redis

        rate_store = in_redis(connect_redis(shared), f"bench:{url.rsplit('/', 1)[-1]}:").rate

    def done() -> bool:
        """Delivered, and the summary and the card's final edit have gone too."""
        with sessions() as session:
            item = session.get(Announcement, announcement_id)
            if item is None or item.status != "done":
                return False
            waiting = select(OutboxMessage.id).where(OutboxMessage.status == "pending")
            return session.scalar(waiting.limit(1)) is None

    async def run() -> None:
        # One connection per row in flight (a smaller pool caps the rate at pool / round trip).
        request = JsonRequest(connection_pool_size=max(8, concurrency))
        async with Bot(token, base_url=base_url, request=request) as api:
            dispatcher = Dispatcher(
                sessions,
                {"telegram": TelegramSender(api, rate)},
                jobs=[Expander(), StatusCards()],
                rate=rate_store,
                **({"concurrency": concurrency} if concurrency else {}),
                **({"batch": batch} if batch else {}),
            )
            stop = asyncio.Event()
            running = asyncio.create_task(dispatcher.run_forever(interval=0.05, stop=stop))
            while not await asyncio.to_thread(done):  # as the bot runs it: the pipeline
                await asyncio.sleep(1.0)
            stop.set()
            await running

    asyncio.run(run())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    # VmHWM is this process's own high-water mark. ru_maxrss is not: Linux carries the
    # parent's into a child at exec, so a dispatcher started late by this script (which
    # by then holds every accepted call in memory) would report the script's size.
    report = {
        "peak_rss_mib": _high_water_mib(os.getpid()),
        "ru_maxrss_mib": round(usage.ru_maxrss / 1024, 1),
        "cpu_seconds": round(cpu, 2),
    }
    print(json.dumps(report), flush=True)


def _spawn(url: str, base_url: str, token: str, rate: float, announcement_id: int) -> Any:
    command = [sys.executable, __file__, "--worker", url, base_url, token, str(rate)]
    command += [str(announcement_id), str(CONCURRENCY[0]), SHARED[0], str(BATCH[0])]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "ERROR"}
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )


def _high_water_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


# -- one phase -------------------------------------------------------------------------------
def phase(
    kind: str,
    postgres_url: str,
    subscribers: int,
    rate: float,
    limit: float | None,
    kill: bool,
    processes: int = 1,
) -> dict[str, Any]:
    from tests.telegram.fake_bot_api import FakeBotApi

    token = f"{FIRST_CHAT + 7}:AAbench{os.getpid()}"
    accepted: list[tuple[float, int]] = []
    lock = threading.Lock()

    def record(_token: str, call: Any) -> None:
        if call.method == "sendMessage":
            with lock:
                accepted.append((call.at, int(call.params["chat_id"])))

    with FakeBotApi(rate_limit=limit) as fake, database(kind, postgres_url) as url:
        fake.listeners.append(record)
        for n in range(subscribers):
            fake.add_chat(token, FIRST_CHAT + n)
        fake.add_chat(token, 1)  # the staff member, who gets the final summary
        announcement_id = seed(url, subscribers)
        started = time.monotonic()
        others = [_spawn(url, fake.base_url, token, rate, announcement_id)]
        for _ in range(processes - 1):
            others.append(_spawn(url, fake.base_url, token, rate, announcement_id))
        process = others.pop(0)  # the one killed half-way
        peaks: list[float | None] = []
        killed_at: float | None = None
        # Generous: a busy machine sends the fast phase far below its configured rate.
        floor = min(rate, limit or rate, 20.0)
        deadline = started + subscribers / floor * 1.5 + 120
        progress_at = started + PROGRESS_EVERY
        vacuum = Vacuum(url, VACUUM_EVERY)
        while True:
            time.sleep(0.2)
            vacuum.tick()
            with lock:
                count = len(accepted)
            if time.monotonic() >= progress_at:  # partial figures, should the run be cut short
                progress_at += PROGRESS_EVERY
                _progress(started, accepted, lock, fake, token)
            if kill and killed_at is None and count >= subscribers // 2:
                peaks.append(_high_water_mib(process.pid))
                os.kill(process.pid, signal.SIGKILL)  # no cleanup, no commit: kill -9
                process.wait()
                killed_at = time.monotonic()
                process = _spawn(url, fake.base_url, token, rate, announcement_id)
            if all(p.poll() is not None for p in [process, *others]):
                break
            if time.monotonic() > deadline:
                for each in [process, *others]:
                    each.kill()
                break
        cpu: float | None = None
        inherited: list[float | None] = []  # ru_maxrss of the processes that exited
        for each in [process, *others]:
            out = each.stdout.read() if each.stdout else ""
            try:
                last = json.loads(out.strip().splitlines()[-1])
                peaks.append(last["peak_rss_mib"])
                inherited.append(last.get("ru_maxrss_mib"))
                cpu = (cpu or 0.0) + last["cpu_seconds"]
            except (IndexError, ValueError, KeyError):
                peaks.append(None)
        vacuum.close()
        final = status(url, announcement_id)
        too_fast = sum(1 for c in fake.calls(token, "sendMessage") if c.status == 429)
        edits = [c for c in fake.calls(token, "editMessageText") if c.ok]
        card_final = bool(edits) and "đã gửi xong" in str(edits[-1].params.get("text"))
        bursts = fake.chat_bursts(token)

    times = [at for at, _ in accepted]
    received = Counter(chat for _, chat in accepted if chat >= FIRST_CHAT)  # not the staff
    span = (max(times) - min(times)) if len(times) > 1 else 0.0
    figures: dict[str, Any] = {
        "database": kind,
        "subscribers": subscribers,
        "configured_rate": rate,
        "platform_limit": limit,
        "status": final,
        "delivered": len(received),
        "duplicates": sum(n - 1 for n in received.values()),
        # Counted only once delivery is over; a run stopped at its deadline says "unfinished".
        "lost": subscribers - len(received) if final == "done" else None,
        "unfinished": subscribers - len(received) if final != "done" else 0,
        "rate_overall": round(len(times) / span, 2) if span else None,
        "platform_429s": too_fast,
        "chat_bursts_under_1s": bursts,
        "peak_rss_mib_per_process": peaks,
        "ru_maxrss_mib_exited_processes": inherited,
        "killed": killed_at is not None,
        "manual_vacuums": vacuum.count,  # 0 where autovacuum is on
        "dispatcher_processes": processes,
        # The staff member's status card, edited in place every 10 s, then the final figures.
        "status_card_edits": len(edits),
        "status_card_final_figures": card_final,
        "send_rate_booked_in": SHARED[0].split("://")[0],
        "max_messages_in_any_1s": _busiest_second(times),
        "rows_in_flight": CONCURRENCY[0],
        "rows_per_claim": BATCH[0],
        # The last process's CPU per message it sent: the capacity figure on a busy machine.
        "bot_cpu_ms_per_message_last_process": _cpu_per_message(cpu, accepted, killed_at),
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    figures.update(_steady(times, rate, limit))
    return figures


def _progress(
    started: float, accepted: list[tuple[float, int]], lock: threading.Lock, fake: Any, token: str
) -> None:
    """One JSON line on stderr: accepted so far, distinct chats, the last minute's rate."""
    now = time.monotonic()  # the fake stamps calls with time.monotonic
    with lock:
        chats = [chat for _, chat in accepted if chat >= FIRST_CHAT]
        last = sum(1 for at, _ in accepted[-4000:] if at > now - PROGRESS_EVERY)
    line = {
        "elapsed_s": round(time.monotonic() - started),
        "accepted": len(chats),
        "distinct": len(set(chats)),
        "rate_last_interval": round(last / PROGRESS_EVERY, 2),
        "platform_429s": sum(1 for c in fake.calls(token, "sendMessage") if c.status == 429),
    }
    print(json.dumps(line), file=sys.stderr, flush=True)


def _busiest_second(times: list[float]) -> int:
    """The most messages the platform accepted in any one-second sliding window."""
    times, best, first = sorted(times), 0, 0
    for last, at in enumerate(times):
        while times[first] <= at - 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def _cpu_per_message(
    cpu: float | None, accepted: list[tuple[float, int]], killed_at: float | None
) -> float | None:
    sent = sum(1 for at, _ in accepted if killed_at is None or at >= killed_at)
    return round(cpu * 1000 / sent, 2) if cpu is not None and sent else None


def _steady(times: list[float], rate: float, limit: float | None) -> dict[str, Any]:
    """The rate while messages were flowing: stretches split at every pause over 2 s (the
    restart after the kill, the dead process's leases running out) are measured on their own."""
    if len(times) < 2:
        return {}
    times = sorted(times)
    parts, current = [], [times[0]]
    for at in times[1:]:
        if at - current[-1] > GAP:
            parts.append(current)
            current = []
        current.append(at)
    parts.append(current)
    parts = [p for p in parts if len(p) > 1]
    sent = sum(len(p) - 1 for p in parts)
    seconds = sum(p[-1] - p[0] for p in parts)
    steady = sent / seconds if seconds else 0.0
    result: dict[str, Any] = {
        "rate_steady": round(steady, 2),
        "share_of_configured": round(steady / rate, 3),
        "pauses_over_2s": len(parts) - 1,
    }
    if limit:
        result["share_of_platform_limit"] = round(steady / limit, 3)
    return result


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        url, base_url, token, rate, announcement_id, concurrency, shared, batch = sys.argv[2:10]
        worker(
            url,
            base_url,
            token,
            float(rate),
            int(announcement_id),
            int(concurrency),
            shared,
            int(batch),
        )
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    # Just under the platform's 30: at exactly 30 the jitter of a send puts 31 in some
    # second of the fake's sliding window, and each 429 pauses the channel for a second.
    parser.add_argument("--rate", type=float, default=29.0, help="the bot's send rate")
    parser.add_argument("--limit", type=float, default=30.0, help="the fake platform's limit")
    parser.add_argument("--fast-subscribers", type=int, default=20_000)
    parser.add_argument("--fast-rate", type=float, default=1000.0)
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument(
        "--fast-concurrency", type=int, default=32, help="rows in flight in the fast phase"
    )
    parser.add_argument(
        "--fast-batch", type=int, default=250, help="rows per claim in the fast phase"
    )
    parser.add_argument(
        "--fast-processes", type=int, default=1, help="dispatcher processes in the fast phase"
    )
    parser.add_argument(
        "--fast-limit",
        type=float,
        default=None,
        help="a platform limit for the fast phase too (checks the shared rate holds)",
    )
    parser.add_argument(
        "--shared",
        default="memory",
        help="where the fast phase's dispatchers book the rate: memory, postgresql, redis://…",
    )
    parser.add_argument("--skip-fast", action="store_true")
    parser.add_argument("--skip-limited", action="store_true")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("CCHC_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    )
    args = parser.parse_args()
    if not args.skip_limited:
        limited = phase(
            args.db, args.postgres_url, args.subscribers, args.rate, args.limit, not args.no_kill
        )
        print(json.dumps({"limited": limited}, ensure_ascii=False, indent=2), flush=True)
    if not args.skip_fast:
        CONCURRENCY[0], SHARED[0], BATCH[0] = args.fast_concurrency, args.shared, args.fast_batch
        fast = phase(
            args.db,
            args.postgres_url,
            args.fast_subscribers,
            args.fast_rate,
            args.fast_limit,
            False,
            args.fast_processes,
        )
        print(json.dumps({"fast": fast}, ensure_ascii=False, indent=2), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
