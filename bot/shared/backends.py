"""Choose where the shared state lives: Redis when REDIS_URL is set, PostgreSQL when the
database is PostgreSQL, else this process's memory (SQLite allows one worker only)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import redis
from sqlalchemy import Connection, Engine

from bot.shared.memory import MemoryAlerts, MemoryFlood, MemoryRate
from bot.shared.postgres import PostgresAlerts, PostgresFlood, PostgresRate
from bot.shared.protocols import AlertLimit, FloodStore, SendRate, Verdict, Window
from bot.shared.redisstore import RedisAlerts, RedisFlood, RedisRate


@dataclass(frozen=True)
class SharedState:
    """The three shared limits and where they live."""

    backend: str
    flood: FloodStore
    rate: SendRate
    alerts: AlertLimit


def in_memory() -> SharedState:
    """One process only: tests, the console, SQLite."""
    return SharedState("memory", MemoryFlood(), MemoryRate(), MemoryAlerts())


def in_postgres(engine: Engine, prefix: str = "") -> SharedState:
    """In the application's PostgreSQL database (tables from migration 0004)."""
    return SharedState(
        "postgresql",
        PostgresFlood(engine, prefix),
        PostgresRate(engine, prefix),
        PostgresAlerts(engine, prefix),
    )


def in_redis(client: redis.Redis, prefix: str = "cchc:") -> SharedState:
    """In Redis; `prefix` keeps several deployments (or tests) on one server apart."""
    return SharedState(
        "redis", RedisFlood(client, prefix), RedisRate(client, prefix), RedisAlerts(client, prefix)
    )


def connect_redis(url: str) -> redis.Redis:
    """A client with short timeouts: a stuck Redis must not stall message handling for long."""
    return redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)


def build_shared(engine: Engine, redis_url: str | None = None) -> SharedState:
    """Redis when `redis_url` is given, PostgreSQL when `engine` is, else memory."""
    if redis_url:
        return in_redis(connect_redis(redis_url))
    if engine.dialect.name == "postgresql":
        return in_postgres(engine)
    return in_memory()


class SharedFloodGate:
    """A flood gate (`check(key, now=None) -> Verdict`) over a shared `FloodStore`."""

    def __init__(
        self,
        store: FloodStore,
        limit: int,
        seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.window, self.clock = store, Window(limit, seconds), clock

    def check(self, key: str, now: float | None = None) -> Verdict:
        """Record a message from `key` (arrived at `now`) and say what to do with it."""
        return self.store.check(key, self.window, self.clock() if now is None else now)

    @property
    def in_database(self) -> bool:
        """Whether `check_on` can run in the caller's transaction (the store is PostgreSQL)."""
        return isinstance(self.store, PostgresFlood)

    def check_on(self, connection: Connection, key: str, now: float) -> Verdict:
        """`check` inside the caller's transaction on the application's database."""
        assert isinstance(self.store, PostgresFlood)
        return self.store.check_on(connection, key, self.window, now)


def unique_prefix(name: str) -> str:
    """A key prefix no other run uses (tests and benchmarks on a shared Redis)."""
    return f"{name}:{uuid.uuid4().hex[:12]}:"
