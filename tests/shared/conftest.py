"""Two "processes" sharing one state: two engines on one PostgreSQL database, two clients on
one Redis (keys under a prefix of this test only), or, for memory, one object."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from bot.db import make_engine, temporary_postgres
from bot.shared.backends import (
    SharedState,
    connect_redis,
    in_memory,
    in_postgres,
    in_redis,
    unique_prefix,
)
from tests.conftest import POSTGRES_URL, _postgres_available

REDIS_URL = os.environ.get("CCHC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SHARED = [
    "memory",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    "redis",
]


def _redis_available() -> bool:
    try:
        connect_redis(REDIS_URL).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        return False
    return True


@pytest.fixture(params=SHARED)
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[SharedState, SharedState]]:
    """Two handles on one shared state, as two worker processes would have."""
    if request.param == "memory":
        state = in_memory()
        yield state, state
    elif request.param == "postgresql":
        if not _postgres_available():
            pytest.skip("PostgreSQL not reachable (set CCHC_TEST_POSTGRES_URL)")
        with temporary_postgres(POSTGRES_URL, "cchc_shared") as url:
            engines = make_engine(url), make_engine(url)
            yield in_postgres(engines[0]), in_postgres(engines[1])
            for engine in engines:
                engine.dispose()
    else:
        if not _redis_available():
            pytest.skip("Redis not reachable at " + REDIS_URL)
        prefix = unique_prefix("cchc-test")
        clients = connect_redis(REDIS_URL), connect_redis(REDIS_URL)
        yield in_redis(clients[0], prefix), in_redis(clients[1], prefix)
        for key in clients[0].scan_iter(match=prefix + "*"):
            clients[0].delete(key)
        for client in clients:
            client.close()
