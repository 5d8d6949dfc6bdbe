"""Webhooks that arrive together are committed by one INSERT, rows finished together by one
UPDATE; each caller still gets its own answer, in order, after its own commit."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.gateway import inbox
from bot.gateway.batch import Coalescer
from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.models import InboxItem
from bot.runtime import Services


@pytest.mark.asyncio
async def test_items_submitted_together_are_flushed_once_in_order() -> None:
    calls: list[list[int]] = []

    def flush(items: list[int]) -> list[int]:
        calls.append(items)
        return [item * 10 for item in items]

    batcher: Coalescer[int, int] = Coalescer(flush)
    results = await asyncio.gather(*(batcher.submit(n) for n in range(5)))
    assert results == [0, 10, 20, 30, 40]
    assert calls == [[0, 1, 2, 3, 4]]
    assert await batcher.submit(7) == 70  # alone: flushed at once
    assert calls[-1] == [7]


@pytest.mark.asyncio
async def test_a_failed_flush_fails_its_callers_only() -> None:
    def flush(items: list[str]) -> list[str]:
        if "bad" in items:
            raise RuntimeError("the database went away")
        return items

    batcher: Coalescer[str, str] = Coalescer(flush)
    failed = await asyncio.gather(
        batcher.submit("bad"), batcher.submit("ok"), return_exceptions=True
    )
    assert all(isinstance(error, RuntimeError) for error in failed)
    assert await batcher.submit("later") == "later"


@pytest.mark.asyncio
async def test_redeliveries_in_one_batch_are_new_once_and_order_is_kept(
    services: Services,
) -> None:
    gateway = Gateway(services, MemoryFloodGate(50, 10.0))
    updates = [("1", "a"), ("2", "a"), ("1", "a"), ("3", "b"), ("4", "a")]
    results = await asyncio.gather(
        *(gateway.receive("test", pid, who, {"n": pid}) for pid, who in updates)
    )
    assert results == [True, True, False, True, True]
    assert await gateway.receive("test", "2", "a", {}) is False  # stored before
    with services.engine.connect() as connection:
        rows = connection.execute(
            select(InboxItem.platform_id).where(InboxItem.citizen == "a").order_by(InboxItem.id)
        ).all()
    assert [row[0] for row in rows] == ["1", "2", "4"]  # arrival order, one row each
    gateway.stop()


def test_finishing_several_rows_pairs_each_row_with_its_own_claim(services: Services) -> None:
    engine = services.engine
    inbox.store_many(engine, [("test", "1", "c1", {}), ("test", "2", "c2", {})])
    stale = inbox.claim(engine, "me", 1, now=inbox.utcnow() - inbox.LEASE * 2)
    fresh = {c.platform_id: c for c in inbox.claim(engine, "me", 10)}  # "1" again, and "2"
    assert stale[0].platform_id == "1"
    assert set(fresh) == {"1", "2"}
    # The stale claim of "1" lost it, even to a claim of ours finished in the same batch.
    assert inbox.finish(engine, [stale[0], fresh["2"]]) == 1
    assert inbox.finish(engine, [fresh["1"]]) == 1


@pytest.mark.asyncio
async def test_an_update_the_database_refuses_fails_alone(services: Services) -> None:
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores a NUL in text; PostgreSQL refuses it")
    gateway = Gateway(services, MemoryFloodGate(50, 10.0))
    # A channel that forgot to clean what it stores: PostgreSQL's text cannot hold NUL.
    results = await asyncio.gather(
        gateway.receive("test", "1", "a", {"text": "một"}),
        gateway.receive("test", "2", "b\x00", {"text": "hai"}),
        gateway.receive("test", "3", "c", {"text": "ba"}),
        return_exceptions=True,
    )
    assert results[0] is True
    assert results[2] is True
    assert isinstance(results[1], SQLAlchemyError)
    with services.engine.connect() as connection:
        stored = connection.execute(select(InboxItem.platform_id).order_by(InboxItem.id)).all()
    assert [row[0] for row in stored] == ["1", "3"]
    gateway.stop()
