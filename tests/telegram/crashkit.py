"""Real `cchc-bot serve` processes on one PostgreSQL, fed like Telegram, counted exactly.

Used by `bench/crash_multiworker.py` and the multi-worker tests. Every update is POSTed to
every live worker (a redelivery to each); a citizen's next update goes out only once one of
them acknowledged the previous one, as Telegram does. The answers are counted where they
land (the fake Bot API) and where the core logged them (`message_log`): lost, duplicated and
out-of-order, exactly.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select

from bot.db import normalise_url
from bot.models import Contact, MessageLog
from tests.telegram import updates
from tests.telegram.fake_bot_api import Call, FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
SECRET = "crash-kit-secret"
QUESTION = "lệ phí cấp lại căn cước lần {k}"  # one short answer each, no dialogue state


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Worker:
    """One `cchc-bot serve` process on its own port."""

    port: int
    env: dict[str, str]
    cwd: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            assert self.process.poll() is None, "the worker exited during startup"
            try:
                body = httpx.get(f"{self.url}/healthz", timeout=1).json()
                if body["inbox"].get("running") and body["channels"]["telegram"]["state"] == (
                    "running"
                ):
                    return
            except (httpx.HTTPError, KeyError, ValueError):
                pass
            time.sleep(0.1)
        raise TimeoutError("the worker did not come up")

    def kill(self) -> None:
        """`kill -9`: no cleanup, no goodbye."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def workers(
    database_url: str, fake: FakeBotApi, token: str, count: int, cwd: Path
) -> list[Worker]:
    """`count` workers (not started) sharing one database and one bot token."""
    found = []
    for _ in range(count):
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        env.update(
            DATABASE_URL=database_url,
            PORT=str(port),
            PYTHONPATH=str(ROOT),
            TELEGRAM_BOT_TOKEN=token,
            TELEGRAM_API_BASE_URL=fake.base_url,
            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            FLOOD_MESSAGES="100000",
            TELEGRAM_SEND_RATE="100000",  # counting, not pacing: the fake does not limit
            LOG_LEVEL="WARNING",
        )
        found.append(Worker(port, env, cwd))
    return found


@dataclass
class Load:
    """`citizens` × `each` distinct updates, each delivered to every live worker."""

    pool: list[Worker]
    fake: FakeBotApi
    token: str
    citizens: int
    each: int
    acknowledged: int = 0
    deliveries: int = 0
    first_user: int = 20_000_000
    sent: dict[int, list[int]] = field(default_factory=dict)  # user -> update ids in order

    async def run(self, at_half: Callable[[], Any] | None = None) -> None:
        limits = httpx.Limits(max_connections=self.citizens * len(self.pool))
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            half = asyncio.Event()

            async def watch() -> None:
                await half.wait()
                if at_half is not None:
                    await asyncio.to_thread(at_half)

            watcher = asyncio.create_task(watch())
            total = self.citizens * self.each
            await asyncio.gather(
                *(self._citizen(client, n, half, total) for n in range(self.citizens))
            )
            half.set()
            await watcher

    async def _citizen(
        self, client: httpx.AsyncClient, n: int, half: asyncio.Event, total: int
    ) -> None:
        person = updates.user(self.first_user + n, f"Citizen {n}")
        self.fake.add_chat(self.token, person["id"])  # the citizen wrote to the bot
        self.sent[person["id"]] = []
        for k in range(self.each):
            update = updates.message(person, text=QUESTION.format(k=k))
            while not await self._deliver(client, update):
                await asyncio.sleep(0.2)  # nobody took it: Telegram tries again
            self.sent[person["id"]].append(update["update_id"])
            self.acknowledged += 1
            if self.acknowledged * 2 >= total:
                half.set()

    async def _deliver(self, client: httpx.AsyncClient, update: dict[str, Any]) -> bool:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

        async def post(worker: Worker) -> int:
            try:
                response = await client.post(
                    f"{worker.url}/telegram/webhook", json=update, headers=headers
                )
            except httpx.HTTPError:
                return 0
            return response.status_code

        statuses = await asyncio.gather(*(post(w) for w in self.pool))
        self.deliveries += len(statuses)
        return 200 in statuses


def count(database_url: str, fake: FakeBotApi, token: str, load: Load) -> dict[str, int]:
    """Lost, duplicated and out-of-order, from the core's log and from the replies sent."""
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(Contact.external_id, MessageLog.text)
            .join(Contact, Contact.id == MessageLog.contact_id)
            .order_by(MessageLog.id)
        ).all()
    engine.dispose()
    handled: dict[str, list[int]] = {}
    for user, text in rows:
        handled.setdefault(user, []).append(int(text.rsplit(" ", 1)[1]))
    expected = {str(user): list(range(len(ids))) for user, ids in load.sent.items()}
    lost = duplicated = out_of_order = 0
    for user, ks in expected.items():
        got = handled.get(user, [])
        seen = Counter(got)
        lost += sum(1 for k in ks if seen[k] == 0)
        duplicated += sum(c - 1 for c in seen.values() if c > 1)
        firsts = list(dict.fromkeys(got))
        out_of_order += sum(1 for a, b in itertools.pairwise(firsts) if b < a)
    replies = Counter(int(c.params["chat_id"]) for c in _sent(fake, token))
    want = {user: len(ids) for user, ids in load.sent.items()}
    return {
        "updates": sum(want.values()),
        "deliveries": load.deliveries,
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
        "replies_missing": sum(max(0, n - replies.get(u, 0)) for u, n in want.items()),
        "replies_repeated": sum(max(0, replies.get(u, 0) - n) for u, n in want.items()),
    }


def _sent(fake: FakeBotApi, token: str) -> list[Call]:
    return [c for c in fake.calls(token, "sendMessage") if c.ok]


def wait_answered(fake: FakeBotApi, token: str, load: Load, timeout: float = 120.0) -> float:
    """Seconds until every update has a reply (or the timeout)."""
    started = time.monotonic()
    target = sum(len(ids) for ids in load.sent.values())
    while time.monotonic() - started < timeout:
        if len(_sent(fake, token)) >= target:
            break
        time.sleep(0.1)
    time.sleep(1.0)  # let stragglers (repeats) land before counting
    return time.monotonic() - started
