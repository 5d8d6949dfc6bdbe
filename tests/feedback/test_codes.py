"""Tracking codes stay unique when many tickets are filed at the same moment."""

from __future__ import annotations

import threading

from bot.feedback.codes import next_code
from bot.runtime import Services

THREADS, EACH = 6, 5


def test_concurrent_allocation_gives_unique_consecutive_codes(services: Services) -> None:
    codes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def allocate() -> None:
        barrier.wait()
        for _ in range(EACH):
            with services.sessions.begin() as session:
                code = next_code(session, 2026)
            with lock:
                codes.append(code)

    threads = [threading.Thread(target=allocate) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = {f"PA-2026-{n:06d}" for n in range(1, THREADS * EACH + 1)}
    assert sorted(codes) == sorted(expected)


def test_each_year_starts_again_at_one(services: Services) -> None:
    with services.sessions.begin() as session:
        assert [next_code(session, 2026) for _ in range(2)] == ["PA-2026-000001", "PA-2026-000002"]
        assert next_code(session, 2027) == "PA-2027-000001"
