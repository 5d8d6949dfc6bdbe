"""The durable inbox on SQLite and PostgreSQL: dedup, per-citizen order, leases, backlog."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.gateway import inbox
from bot.messages import Reply
from bot.models import InboxItem
from bot.runtime import Services

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


def put(services: Services, platform_id: str, citizen: str) -> bool:
    return inbox.store(services.engine, "telegram", platform_id, citizen, {"n": platform_id})


def test_a_redelivered_update_is_absorbed(services: Services) -> None:
    assert put(services, "1", "a")
    assert not put(services, "1", "a")
    assert inbox.store(services.engine, "zalo", "1", "a", {})  # another channel's id 1
    with services.sessions() as session:
        assert len(session.scalars(select(InboxItem)).all()) == 2


def test_only_the_oldest_open_row_of_a_citizen_is_claimed(services: Services) -> None:
    for n, citizen in enumerate("aabab"):
        put(services, str(n), citizen)
    first = inbox.claim(services.engine, "w1", now=T0)
    assert [(c.platform_id, c.citizen) for c in first] == [("0", "a"), ("2", "b")]
    assert inbox.claim(services.engine, "w2", now=T0) == []  # both citizens are busy
    inbox.finish(services.engine, [first[0]])
    second = inbox.claim(services.engine, "w2", now=T0)
    assert [c.platform_id for c in second] == ["1"]  # a's next; b still held by w1


def test_an_expired_lease_is_claimed_again(services: Services) -> None:
    put(services, "1", "a")
    [held] = inbox.claim(services.engine, "w1", now=T0)
    later = T0 + inbox.LEASE + dt.timedelta(seconds=1)
    assert inbox.claim(services.engine, "w2", now=T0 + dt.timedelta(seconds=1)) == []
    [again] = inbox.claim(services.engine, "w2", now=later)
    assert (again.id, again.attempts) == (held.id, 2)
    assert inbox.finish(services.engine, [held]) == 0  # the first worker lost it
    with services.sessions.begin() as session, pytest.raises(inbox.LeaseLostError):
        inbox.save_replies(session, held, [Reply("x")])
    assert inbox.finish(services.engine, [again]) == 1


def test_stored_replies_come_back_with_a_reclaimed_row(services: Services) -> None:
    put(services, "1", "a")
    [held] = inbox.claim(services.engine, "w1", now=T0)
    with services.sessions.begin() as session:
        inbox.save_replies(session, held, [Reply("xin chào")])
    later = T0 + inbox.LEASE * 2
    [again] = inbox.claim(services.engine, "w2", now=later)
    assert again.replies == [Reply("xin chào")]


def test_backlog_counts_open_rows_and_the_oldest_age(services: Services) -> None:
    assert inbox.backlog(services.engine)["backlog"] == 0
    put(services, "1", "a")
    put(services, "2", "b")
    found = inbox.backlog(services.engine, now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    assert found["backlog"] == 2
    assert 59 <= found["oldest_age_seconds"] <= 61
