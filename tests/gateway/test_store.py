"""The front door's small database writes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from bot.gateway.contacts import mark_blocked
from bot.gateway.housekeeping import prune_processed as prune
from bot.messages import Inbound
from bot.models import Contact, ProcessedUpdate
from bot.runtime import Services


def first_time(services: Services, channel: str, update_id: str) -> bool:
    inbound = Inbound(channel, "7001", command="help")
    return services.assistant.handle_once(inbound, update_id) is not None


def test_an_update_id_is_handled_once_per_channel(services: Services) -> None:
    assert first_time(services, "telegram", "41")
    assert not first_time(services, "telegram", "41")
    assert first_time(services, "zalo", "41")
    assert first_time(services, "telegram", "42")


def test_an_update_whose_handling_failed_is_not_marked_processed(services: Services) -> None:
    def broken(_turn: object, _arg: str) -> list[object]:
        raise RuntimeError("boom")

    services.assistant.commands["help"] = broken  # type: ignore[assignment]
    with pytest.raises(RuntimeError):
        first_time(services, "telegram", "43")
    del services.assistant.commands["help"]
    services.assistant.command("help")(lambda _turn, _arg: [])
    assert first_time(services, "telegram", "43")  # the redelivery is handled


def test_old_update_ids_are_pruned(services: Services) -> None:
    engine = services.engine
    first_time(services, "telegram", "1")
    first_time(services, "telegram", "2")
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
