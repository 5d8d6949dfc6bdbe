"""The contact, its dialogue state and recent topic read in one query (on PostgreSQL by hand,
`bot.contacts._find_row`) are the session's own objects: what a flow changes on them is
written back, what nobody changed is not, and times come back as aware UTC."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from bot.contacts import find_contact
from bot.messages import Inbound
from bot.models import Contact, DialogueState
from bot.runtime import Services
from bot.turn import Turn

AT = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


def message(name: str = "An") -> Inbound:
    return Inbound("telegram", "42", text="xin chào", display_name=name)


def test_changes_to_the_read_objects_are_written_back(services: Services) -> None:
    with services.sessions.begin() as session:
        assert find_contact(session, message()).new
    with services.sessions.begin() as session:
        found = find_contact(session, message("Bình"))  # a new name: written back
        assert not found.new
        assert found.contact in session
        assert found.state is None
        turn = Turn(session, found.contact, message(), services.matcher.kb, "vi", no_state=True)
        turn.set_state("intake", "name", {"n": 1}, dt.timedelta(minutes=5))
        found.contact.language_chosen = True
    with services.sessions.begin() as session:
        session.execute(update(DialogueState).values(updated_at=AT))
    with services.sessions.begin() as session:
        found = find_contact(session, message("Bình"))
        contact, state = found.contact, found.state
        assert (contact.display_name, contact.language_chosen) == ("Bình", True)
        assert state is not None
        assert state in session
        assert (state.flow, state.step, state.data) == ("intake", "name", {"n": 1})
        assert state.updated_at == AT
        assert state.updated_at.tzinfo == dt.UTC
        assert contact.created_at.tzinfo == dt.UTC
        assert contact.last_seen_at.tzinfo == dt.UTC
        state.step = "phone"  # a flow moves on
    with services.sessions.begin() as session:
        assert session.scalar(select(DialogueState.step)) == "phone"


def test_a_read_that_changes_nothing_writes_nothing(services: Services) -> None:
    with services.sessions.begin() as session:
        find_contact(session, message())
    with services.sessions.begin() as session:
        session.execute(update(Contact).values(last_seen_at=dt.datetime.now(dt.UTC)))
    with services.sessions.begin() as session:
        found = find_contact(session, message())
        assert not session.dirty
        assert not session.new
        assert found.contact.id is not None
