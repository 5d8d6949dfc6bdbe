"""Two workers starting the same attempt at once: the unique (contest, contact, number) key
lets one through and fails the other, which the core then retries (PostgreSQL, where workers
run in parallel; SQLite serialises writers and runs one process)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.exc import IntegrityError

from bot import clock
from bot.clock import FrozenClock
from bot.messages import Inbound
from bot.models import Contact
from bot.quiz import attempts
from bot.runtime import Services
from tests.quiz.helpers import DURING, attempts_of, contest


def test_two_workers_cannot_both_start_the_same_attempt(services: Services) -> None:
    if services.settings.database_url.startswith("sqlite"):
        pytest.skip("one writer at a time on SQLite")
    with services.sessions.begin() as session:
        person = Contact(channel="telegram", external_id="an")
        session.add(person)
        session.flush()
        person_id = person.id
    outcomes: list[str] = []
    first_flushed = threading.Event()

    def worker(first: bool) -> None:
        try:
            with services.sessions.begin() as session:
                if not first:
                    first_flushed.wait(5)
                attempts.start(session, contest(services), person_id, None)
                if first:
                    first_flushed.set()
                    time.sleep(0.3)  # hold the uncommitted row while the other one tries
            outcomes.append("started")
        except IntegrityError:
            outcomes.append("refused")

    with clock.use(FrozenClock(DURING)):
        threads = [threading.Thread(target=worker, args=(f,)) for f in (True, False)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert sorted(outcomes) == ["refused", "started"]
    assert [a.number for a in attempts_of(services)] == [1]


def test_the_core_retries_a_refused_start_and_resumes_the_attempt(services: Services) -> None:
    with clock.use(FrozenClock(DURING)):
        start = Inbound(channel="console", user_id="binh", payload="thi:go:tim_hieu_cchc:-")
        first = services.assistant.handle(start)
        again = services.assistant.handle(start)  # a second press, or a retried update
    assert first[0].text.startswith("Câu 1/10")
    assert "Ông/Bà đang có một lượt thi chưa xong." in again[0].text
    assert len(attempts_of(services)) == 1
