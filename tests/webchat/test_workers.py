"""Two `cchc-bot serve` processes on one PostgreSQL with one WEBCHAT_SECRET: a browser whose
requests alternate between them keeps its session, and every request gets its own answer even
when the other process's front door handled the message (the waiting request finds it in the
database)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select

from bot.db import normalise_url, temporary_postgres
from bot.models import InboxItem
from tests.conftest import POSTGRES_URL, _postgres_available
from tests.webchat.harness import HEADERS
from tests.webchat.served import serve

pytestmark = pytest.mark.postgres
SETTINGS = {
    "WEBCHAT_SECRET": "two-workers-secret-0123456789abcdef",
    "FLOOD_MESSAGES": "100",
    "WEBCHAT_SESSION_MESSAGES": "100",
}
QUESTIONS = ["lệ phí khai sinh", "lam can cuoc o dau", "giờ làm việc", "chứng thực bản sao"]


@pytest.fixture
def database() -> Iterator[str]:
    if not _postgres_available():
        pytest.skip("PostgreSQL not reachable (set CCHC_TEST_POSTGRES_URL)")
    with temporary_postgres(POSTGRES_URL, "cchc_webchat") as url:
        yield url


def test_a_session_across_two_processes_gets_every_answer(database: str, tmp_path: Path) -> None:
    with ExitStack() as stack:
        first = stack.enter_context(serve(tmp_path, database, **SETTINGS))
        second = stack.enter_context(serve(tmp_path, database, **SETTINGS))
        cookies = httpx.Cookies()
        answers = []
        for turn in range(16):
            url = (first, second)[turn % 2].url
            with httpx.Client(headers=HEADERS, cookies=cookies, timeout=30) as client:
                response = client.post(f"{url}/api/chat", json={"text": QUESTIONS[turn % 4]})
                assert response.status_code == 200, response.text
                cookies.update(response.cookies)
                answers.append(response.json())
            with httpx.Client(headers=HEADERS, cookies=cookies, timeout=30) as client:
                history = client.get(f"{(second, first)[turn % 2].url}/api/chat/history").json()
            assert len([m for m in history["messages"] if m["role"] == "citizen"]) == turn + 1
    assert all(answer["replies"] and not answer["pending"] for answer in answers)
    for turn, answer in enumerate(answers[4:], 4):  # the same question, the same answer
        assert answer["replies"][0]["text"] == answers[turn % 4]["replies"][0]["text"]
    engine = create_engine(normalise_url(database))
    with engine.connect() as connection:
        workers = set(connection.execute(select(InboxItem.claimed_by)).scalars())
    engine.dispose()
    assert len({name.rsplit(":", 1)[0] for name in workers}) == 2  # both front doors worked
