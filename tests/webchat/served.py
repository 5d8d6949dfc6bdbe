"""`cchc-bot serve` as a real process for the browser tests, and a fake portal beside it."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import httpx

from bot.db import upgrade
from tests.subprocesses import reaped, spawn
from tests.telegram.test_cli_serve import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Served:
    """The running bot: its address, database and log file."""

    url: str
    database: str
    log: Path


@contextmanager
def serve(folder: Path, database: str = "", **env: str) -> Iterator[Served]:
    """`python -m bot.cli serve` on a free loopback port (log to a file, not a pipe that
    could fill up); stopped with Ctrl-C at the end. `database`: a migrated one to share
    (default: a new SQLite file in `folder`)."""
    if not database:
        database = f"sqlite:///{folder / 'serve.db'}"
        upgrade(database)
    log = folder / f"serve-{len(list(folder.glob('serve*.log')))}.log"
    for _ in range(5):
        port = free_port()
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "ZALO_", "WEBCHAT_"))
        }
        environment.update(DATABASE_URL=database, PORT=str(port), PYTHONPATH=str(ROOT), **env)
        with log.open("w") as sink:
            process = spawn(
                [sys.executable, "-m", "bot.cli", "serve"],
                cwd=folder,
                env=environment,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        with reaped(process):
            if _up(process, url):
                try:
                    yield Served(url, database, log)
                finally:
                    process.send_signal(2)
                    process.wait(timeout=20)
                return
        if "address already in use" not in log.read_text().lower():
            raise AssertionError(log.read_text())
    raise AssertionError("no free port after five tries")


def _up(process: subprocess.Popen[str], url: str) -> bool:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and process.poll() is None:
        try:
            health = httpx.get(f"{url}/healthz", timeout=1).json()
            if health.get("inbox", {}).get("running"):
                return True
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.1)
    return False


class _Pages(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        body = self.pages.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def site(pages: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """A static web site on a loopback port (a portal, or an attacker's page); its origin and
    the page table (filled in after the origin is known)."""
    handler = type("Pages", (_Pages,), {"pages": pages})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()
