"""The adapter's own small database writes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from bot.messages import Inbound
from bot.models import Contact, ProcessedUpdate
from bot.runtime import Services
from handlers.telegram.blocked import mark_blocked
from handlers.telegram.dedup import first_time, prune


def test_an_update_id_is_new_once_per_channel(services: Services) -> None:
    engine = services.engine
    assert first_time(engine, "telegram", 41)
    assert not first_time(engine, "telegram", 41)
    assert first_time(engine, "zalo", 41)
    assert first_time(engine, "telegram", "42")


def test_old_update_ids_are_pruned(services: Services) -> None:
    engine = services.engine
    first_time(engine, "telegram", 1)
    first_time(engine, "telegram", 2)
    with services.sessions.begin() as session:
        session.execute(
            update(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == "1")
            .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
        )
    assert prune(engine) == 1
    with services.sessions() as session:
        assert session.scalars(select(ProcessedUpdate.update_id)).all() == ["2"]


def test_mark_blocked(services: Services) -> None:
    services.assistant.handle(Inbound("telegram", "7001", command="start"))
    assert mark_blocked(services.engine, "telegram", "7001")
    assert not mark_blocked(services.engine, "telegram", "404")
    with services.sessions() as session:
        assert session.scalar(select(func.count()).where(Contact.blocked)) == 1
    mark_blocked(services.engine, "telegram", "7001", blocked=False)
    with services.sessions() as session:
        assert session.scalar(select(func.count()).where(Contact.blocked)) == 0
