"""`insert_returning_id` and `upsert` (on PostgreSQL written for psycopg) do what SQLAlchemy's
INSERT does: Python-side defaults for columns not given, the UTC column's refusal of a naive
time, JSON stored as JSON, the id back."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.followup import RecentTopic
from bot.models import Contact, DialogueState, MessageLog
from bot.runtime import Services
from bot.sqlutil import insert_returning_id, upsert

AT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def contact(services: Services) -> int:
    with services.sessions.begin() as session:
        row = Contact(channel="telegram", external_id="7", display_name="An")
        session.add(row)
        session.flush()
        return row.id


def test_insert_fills_defaults_and_returns_the_id(services: Services) -> None:
    owner = contact(services)
    values = {"contact_id": owner, "text": "hỏi", "lang": "vi", "intent": None, "band": "decline"}
    with services.sessions.begin() as session:
        first = insert_returning_id(session, MessageLog, values)
        second = insert_returning_id(session, MessageLog, values)
    assert second == first + 1
    with services.sessions.begin() as session:
        logged = session.get(MessageLog, first)
        assert logged is not None
        assert logged.score == 0.0
        assert logged.created_at.tzinfo == dt.UTC


def test_upsert_inserts_then_updates(services: Services) -> None:
    owner = contact(services)
    with services.sessions.begin() as session:
        upsert(session, RecentTopic, {"contact_id": owner, "intent": "a"}, ["contact_id"])
        values = {"contact_id": owner, "intent": "b", "answered_at": AT}
        upsert(session, RecentTopic, values, ["contact_id"])
    with services.sessions.begin() as session:
        assert session.execute(select(RecentTopic.intent, RecentTopic.answered_at)).one() == (
            "b",
            AT,
        )
        state = {"contact_id": owner, "flow": "f", "step": "s", "data": {"k": [1, "ă"]}}
        upsert(session, DialogueState, state, ["contact_id"])
    with services.sessions.begin() as session:
        assert session.scalar(select(DialogueState.data)) == {"k": [1, "ă"]}


def test_a_naive_time_is_refused(services: Services) -> None:
    owner = contact(services)
    naive = {"contact_id": owner, "intent": "a", "answered_at": dt.datetime(2026, 1, 2)}
    with services.sessions.begin() as session, pytest.raises(Exception, match="naive"):
        upsert(session, RecentTopic, naive, ["contact_id"])
