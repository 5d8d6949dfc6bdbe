"""The ticket state machine, one test per (action, status) cell, through `tickets.act`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock, use
from bot.config import Settings
from bot.db import upgrade
from bot.feedback.models import STATUSES, TicketEvent
from bot.feedback.tickets import Actor, act
from bot.feedback.transitions import ACTIONS, TRANSITIONS
from bot.outbox import OutboxMessage, load_replies
from bot.runtime import Services, build
from knowledge.matcher import Matcher
from tests.feedback.factories import make_ticket

# Written out by hand, not derived from the code: this is the rule the office agreed.
ALLOWED = {
    ("claim", "new"), ("claim", "in_progress"),
    ("answer", "new"), ("answer", "in_progress"), ("answer", "answered"),
    ("transfer", "new"), ("transfer", "in_progress"),
    ("reject", "new"), ("reject", "in_progress"),
    ("close", "new"), ("close", "in_progress"), ("close", "answered"),
    ("close", "transferred"), ("close", "rejected"),
}  # fmt: skip
LEADS_TO = {
    "claim": "in_progress",
    "answer": "answered",
    "transfer": "transferred",
    "reject": "rejected",
    "close": "closed",
}
CELLS = [(a, s) for a in ACTIONS for s in STATUSES]
LAN = Actor("Chị Lan")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, matcher: Matcher) -> Iterator[Services]:
    """One SQLite application for all cells (each cell makes its own ticket)."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('transitions')) / 'db.sqlite'}"
    upgrade(url)
    built = build(Settings(_env_file=None, database_url=url), matcher)  # type: ignore[call-arg]
    yield built
    built.engine.dispose()


def test_the_table_covers_every_action_and_only_known_statuses() -> None:
    assert set(TRANSITIONS) == set(ACTIONS) == set(LEADS_TO)
    for starts, to in TRANSITIONS.values():
        assert starts <= set(STATUSES)
        assert to in STATUSES


@pytest.mark.parametrize(("action", "status"), CELLS, ids=[f"{a}-from-{s}" for a, s in CELLS])
def test_each_cell(shared: Services, action: str, status: str) -> None:
    kb = shared.matcher.kb
    with shared.sessions.begin() as session:
        ticket = make_ticket(session, status)
        outcome = act(session, kb, ticket, ticket.version, LAN, action, "Nội dung", "UBND huyện")
        events = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
        events = list(events)
        queued = session.scalars(
            select(OutboxMessage).where(OutboxMessage.contact_id == ticket.contact_id)
        ).all()
        if (action, status) in ALLOWED:
            assert outcome.ok, outcome
            assert ticket.status == LEADS_TO[action]
            assert ticket.version == 2
            assert [(e.action, e.from_status, e.to_status) for e in events] == [
                (action, status, LEADS_TO[action])
            ]
            assert len(queued) == 1  # the citizen is told
        else:
            assert (outcome.ok, outcome.reason) == (False, "status")
            assert (ticket.status, ticket.version) == (status, 1)
            assert events == []
            assert queued == []


def test_a_stale_version_is_refused_before_the_status_is_looked_at(shared: Services) -> None:
    with shared.sessions.begin() as session:
        ticket = make_ticket(session, "closed")
        outcome = act(session, shared.matcher.kb, ticket, 7, LAN, "answer", "x")
    assert (outcome.ok, outcome.reason) == (False, "changed")


FILED = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def test_first_answered_at_is_the_first_response_and_stays(shared: Services) -> None:
    kb = shared.matcher.kb
    with use(FrozenClock(FILED)) as clock, shared.sessions.begin() as session:
        ticket = make_ticket(session, "new")
        first = clock()
        assert act(session, kb, ticket, 1, LAN, "answer", "Trả lời lần đầu").ok
        clock.advance(dt.timedelta(days=2, hours=3))
        assert act(session, kb, ticket, 2, LAN, "answer", "Trả lời bổ sung").ok
        clock.advance(dt.timedelta(days=1))
        assert act(session, kb, ticket, 3, LAN, "close").ok
        assert ticket.first_answered_at is not None
        assert ticket.first_answered_at.replace(tzinfo=dt.UTC) == first
        assert ticket.answer == "Trả lời bổ sung"
        assert ticket.closed_at is not None
        assert ticket.closed_at.replace(tzinfo=dt.UTC) == clock()


def test_claiming_is_not_a_response(shared: Services) -> None:
    with use(FrozenClock(FILED)), shared.sessions.begin() as session:
        ticket = make_ticket(session, "new")
        assert act(session, shared.matcher.kb, ticket, 1, LAN, "claim").ok
        assert ticket.first_answered_at is None


@pytest.mark.parametrize(
    ("action", "content", "unit", "note"),
    [
        ("answer", "Đã sửa đường.", "", "Đã sửa đường."),
        ("transfer", "Không thuộc xã.", "UBND huyện", "UBND huyện | Không thuộc xã."),
        ("reject", "Không thuộc thẩm quyền.", "", "Không thuộc thẩm quyền."),
        ("claim", "", "", None),
    ],
)
def test_the_audit_note_is_stored(
    shared: Services, action: str, content: str, unit: str, note: str | None
) -> None:
    with shared.sessions.begin() as session:
        ticket = make_ticket(session, "new")
        assert act(session, shared.matcher.kb, ticket, 1, LAN, action, content, unit).ok
        [event] = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
        assert (event.actor, event.action, event.note) == ("Chị Lan", action, note)


def _rating_buttons(session_messages: list[OutboxMessage]) -> list[str]:
    return [
        b.payload
        for m in session_messages
        for r in load_replies(m.payload)
        for row in r.buttons
        for b in row
        if b.payload.startswith("sat:")
    ]


@pytest.mark.parametrize("start", ["new", "in_progress", "transferred", "rejected"])
def test_closing_asks_for_the_rating(shared: Services, start: str) -> None:
    with use(FrozenClock(FILED)) as clock, shared.sessions.begin() as session:
        ticket = make_ticket(session, start)
        assert act(session, shared.matcher.kb, ticket, 1, LAN, "close").ok
        assert ticket.rating_requested_at is not None
        assert ticket.rating_requested_at.replace(tzinfo=dt.UTC) == clock()
        mine = session.scalars(
            select(OutboxMessage).where(OutboxMessage.contact_id == ticket.contact_id)
        ).all()
        assert _rating_buttons(list(mine)) == [f"sat:{ticket.id}:{n}" for n in range(1, 6)]


def test_the_rating_is_asked_once_answer_then_close(shared: Services) -> None:
    with use(FrozenClock(FILED)) as clock, shared.sessions.begin() as session:
        ticket = make_ticket(session, "in_progress")
        assert act(session, shared.matcher.kb, ticket, 1, LAN, "answer", "Xong.").ok
        asked = clock()
        clock.advance(dt.timedelta(hours=5))
        assert act(session, shared.matcher.kb, ticket, 2, LAN, "close").ok
        assert ticket.rating_requested_at is not None
        assert ticket.rating_requested_at.replace(tzinfo=dt.UTC) == asked
        mine = session.scalars(
            select(OutboxMessage).where(OutboxMessage.contact_id == ticket.contact_id)
        ).all()
        assert len(_rating_buttons(list(mine))) == 5
