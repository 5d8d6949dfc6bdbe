"""`cchc-bot serve` as a real process: starts, answers, stops on Ctrl-C, leaks nothing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.db import upgrade
from tests.subprocesses import reaped, spawn
from tests.telegram import updates
from tests.telegram.conftest import new_token
from tests.telegram.fake_bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port free a moment ago: another test may take it first, so `start` retries."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(tmp_path: Path, **env: str) -> tuple[subprocess.Popen[str], str]:
    """`cchc-bot serve` listening on a free port (another port if one was taken meanwhile)."""
    database = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(database)
    for _ in range(5):
        port = free_port()
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "ZALO_", "WEBCHAT_"))
        }
        environment.update(DATABASE_URL=database, PORT=str(port), PYTHONPATH=str(ROOT), **env)
        process = spawn(
            [sys.executable, "-m", "bot.cli", "serve"]
            + (["--polling"] if "TELEGRAM_BOT_TOKEN" in env else []),
            cwd=tmp_path,  # no stray .env
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        if _listening(process, url):
            return process, url
        _, stderr = process.communicate(timeout=10)
        if "address already in use" not in stderr.lower():
            raise AssertionError(stderr)
    raise AssertionError("no free port after five tries")


def _listening(process: subprocess.Popen[str], url: str) -> bool:
    """True once /healthz answers; False if the process exits first."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(f"{url}/healthz", timeout=1)
            return True
        except httpx.HTTPError:
            time.sleep(0.1)
    if process.poll() is None:
        process.kill()
    return False


def wait_healthy(process: subprocess.Popen[str], url: str) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            response = httpx.get(f"{url}/healthz", timeout=1)
            body: dict[str, object] = response.json()
            return body
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the server did not come up")


def stop(process: subprocess.Popen[str]) -> str:
    """Ctrl-C: a graceful shutdown, then the usual exit status for an interrupt (130)."""
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 130, stderr
    assert "Application shutdown complete" in stderr
    return stderr


def test_serve_without_a_token_says_telegram_is_off(tmp_path: Path) -> None:
    process, url = start(tmp_path)
    with reaped(process):
        try:
            health = wait_healthy(process, url)
        finally:
            log = stop(process)
    assert health["channels"] == {
        "telegram": {"enabled": False, "state": "off", "reason": "TELEGRAM_BOT_TOKEN is not set"},
        "zalo": {
            "enabled": False,
            "state": "off",
            "reason": "ZALO_APP_ID and ZALO_OA_SECRET_KEY are not set",
        },
        "webchat": {
            "enabled": True,
            "mode": "http",
            "state": "running",
            "portal_origins": [],
            "session_key": "random per process",
            "waiting_requests": 0,
        },
    }
    assert "Telegram is off: TELEGRAM_BOT_TOKEN is not set" in log


def test_serve_polling_answers_and_never_logs_the_token(
    tmp_path: Path, fake_api: FakeBotApi
) -> None:
    token = new_token()
    process, url = start(
        tmp_path,
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=fake_api.base_url,
        LOG_LEVEL="DEBUG",  # the chattiest level: PTB logs its request URLs here
    )
    with reaped(process):
        try:
            health = wait_healthy(process, url)
            deadline = time.monotonic() + 20
            while not fake_api.calls(token, "getUpdates"):
                assert time.monotonic() < deadline
                time.sleep(0.05)
            fake_api.push_update(token, updates.message(updates.user(7_001), text="/lienhe"))
            while not fake_api.calls(token, "sendMessage"):
                assert time.monotonic() < deadline, "no reply"
                time.sleep(0.05)
        finally:
            log = stop(process)
    telegram = health["channels"]["telegram"]  # type: ignore[index]
    assert telegram["mode"] == "polling"
    assert f"serving on {url}; telegram: polling" in log, log[:2000]
    assert token not in log
    assert token.split(":")[1] not in log
    replies = fake_api.calls(token, "sendMessage")
    assert replies
    assert all(reply.params["chat_id"] == 7_001 for reply in replies)


def test_ctrl_c_stops_serve_even_when_pytest_was_started_with_sigint_ignored(
    tmp_path: Path,
) -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `nohup` or a CI runner may
    try:
        process, url = start(tmp_path)
    finally:
        signal.signal(signal.SIGINT, previous)
    with reaped(process):
        wait_healthy(process, url)
        stop(process)  # graceful, exit status 130
