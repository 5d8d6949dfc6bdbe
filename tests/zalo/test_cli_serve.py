"""`cchc-bot serve` as a real process with Zalo configured: a signed event over HTTP is
answered through the fake Zalo, and no secret reaches the log."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from time_machine import escape_hatch

from tests.subprocesses import reaped
from tests.telegram.test_cli_serve import start, stop, wait_healthy
from tests.zalo.fake_zalo import APP_ID, APP_SECRET, OA_SECRET_KEY, FakeZalo
from tests.zalo.harness import sign, text_event

USER = "7777000011"


def test_serve_with_zalo_answers_a_signed_event(tmp_path: Path, fake_zalo: FakeZalo) -> None:
    access, refresh = fake_zalo.issue()
    process, url = start(
        tmp_path,
        ZALO_APP_ID=APP_ID,
        ZALO_APP_SECRET=APP_SECRET,
        ZALO_OA_SECRET_KEY=OA_SECRET_KEY,
        ZALO_ACCESS_TOKEN=access,
        ZALO_REFRESH_TOKEN=refresh,
        ZALO_API_BASE_URL=fake_zalo.url,
        ZALO_OAUTH_BASE_URL=fake_zalo.url,
        LOG_LEVEL="DEBUG",
    )
    with reaped(process):
        try:
            health = wait_healthy(process, url)
            # The server is another process on the machine's real clock, even when this
            # test runs with the clock moved (--clock-at): stamp the event with real time.
            real = escape_hatch.time.time() if escape_hatch.is_travelling() else time.time()
            real_ms = str(int(real * 1000))
            event = text_event(USER, "/lienhe", ts=real_ms)
            body = json.dumps(event).encode()
            headers = {"X-ZEvent-Signature": sign(body, event["timestamp"])}
            deadline = time.monotonic() + 20
            while True:  # the channel may still be starting: 503 means "again later"
                answer = httpx.post(f"{url}/zalo/webhook", content=body, headers=headers)
                if answer.status_code == 200:
                    break
                assert answer.status_code == 503, answer.text
                assert time.monotonic() < deadline
                time.sleep(0.1)
            while not fake_zalo.texts_to(USER):
                assert time.monotonic() < deadline, "no reply"
                time.sleep(0.05)
        finally:
            log = stop(process)
    zalo = health["channels"]["zalo"]  # type: ignore[index]
    assert zalo["enabled"] is True
    assert "zalo: webhook" in log
    for secret in (access, refresh, APP_SECRET, OA_SECRET_KEY):
        assert secret not in log
