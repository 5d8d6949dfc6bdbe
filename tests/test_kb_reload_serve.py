"""Two real `cchc-bot serve` processes on one PostgreSQL (as `serve --workers 2` runs them):
after `cchc-bot kb reload`, both answer from the new knowledge base within seconds, and
neither was restarted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from bot.db import temporary_postgres
from knowledge.loader import DEFAULT_DIR
from tests.conftest import POSTGRES_URL, _postgres_available
from tests.test_kb_reload import NEW, OLD, QUESTION, change_hours
from tests.webchat.harness import HEADERS
from tests.webchat.served import ROOT, serve

pytestmark = pytest.mark.postgres
SETTINGS = {
    "WEBCHAT_SECRET": "two-workers-secret-0123456789abcdef",
    "FLOOD_MESSAGES": "100",
    "WEBCHAT_SESSION_MESSAGES": "100",
}


@pytest.fixture
def database() -> Iterator[str]:
    if not _postgres_available():
        pytest.skip("PostgreSQL not reachable (set CCHC_TEST_POSTGRES_URL)")
    with temporary_postgres(POSTGRES_URL, "cchc_kbreload") as url:
        yield url


def ask(url: str) -> str:
    with httpx.Client(headers=HEADERS, timeout=30) as client:
        response = client.post(f"{url}/api/chat", json={"text": QUESTION})
        assert response.status_code == 200, response.text
        return "\n".join(reply["text"] for reply in response.json()["replies"])


def test_both_serve_processes_switch_after_kb_reload(database: str, tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(DEFAULT_DIR, kb_dir)
    settings = {**SETTINGS, "KB_DIR": str(kb_dir)}
    with ExitStack() as stack:
        first = stack.enter_context(serve(tmp_path, database, **settings))
        second = stack.enter_context(serve(tmp_path, database, **settings))
        assert OLD in ask(first.url)
        assert OLD in ask(second.url)
        change_hours(kb_dir)
        env = {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "--kb", str(kb_dir), "kb", "reload"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 20
        switched: set[str] = set()
        while switched != {first.url, second.url}:
            assert time.monotonic() < deadline, f"only {switched} switched"
            time.sleep(0.5)
            switched |= {s.url for s in (first, second) if NEW in ask(s.url)}
        for _ in range(6):  # and they stay switched
            assert NEW in ask(first.url)
            assert NEW in ask(second.url)
