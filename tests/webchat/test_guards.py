"""The chat API's attack surface over real HTTP: CSRF, CORS, forged and replayed session
cookies, oversized and malformed bodies (4xx JSON with a polite message, never a 500), rate
limits per session and per address, and XSS text kept as inert text."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.runtime import Services
from handlers.webchat import cookie
from handlers.webchat.shape import MAX_BODY
from tests.webchat.harness import SECRET, WebchatUnderTest, ask, serve_webchat, texts

PORTAL = "https://xahoaan.example.gov.vn"
EVIL = "https://evil.example.com"


def polite(response: httpx.Response, status: int, error: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error
    assert "Ông/Bà" in body["message"] or "Please" in body["message"] or "Sorry" in body["message"]
    return str(body["message"])


async def test_csrf_needs_the_custom_header(webchat: WebchatUnderTest) -> None:
    async with httpx.AsyncClient(base_url=webchat.url) as bare:
        response = await bare.post("/api/chat", json={"text": "xin chào"})
        polite(response, 403, "forbidden")
        form = await bare.post(
            "/api/chat", content=b"text=hi", headers={"Content-Type": "text/plain"}
        )
        polite(form, 403, "forbidden")
        assert "set-cookie" not in response.headers


async def test_csrf_refuses_another_origin_even_with_the_header(webchat: WebchatUnderTest) -> None:
    async with webchat.browser(headers={"X-CCHC-Chat": "1", "Origin": EVIL}) as browser:
        response = await browser.post("/api/chat", json={"text": "xin chào"})
    polite(response, 403, "forbidden")
    assert "access-control-allow-origin" not in response.headers


async def test_own_origin_is_accepted(webchat: WebchatUnderTest) -> None:
    async with webchat.browser(headers={"X-CCHC-Chat": "1", "Origin": webchat.url}) as browser:
        answer = await ask(browser, text="giờ làm việc")
    assert answer["replies"]


async def test_cors_only_for_configured_portal_origins(services: Services) -> None:
    async with (
        serve_webchat(services, webchat_allowed_origins=f"{PORTAL}, https://other.vn") as web,
        httpx.AsyncClient(base_url=web.url) as client,
    ):
        allowed = await client.options(
            "/api/chat",
            headers={
                "Origin": PORTAL,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-cchc-chat",
            },
        )
        denied = await client.options("/api/chat", headers={"Origin": EVIL})
        posted = await client.post(
            "/api/chat",
            json={"text": "lệ phí khai sinh"},
            headers={"Origin": PORTAL, "X-CCHC-Chat": "1"},
        )
        page = await client.get("/")
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == PORTAL
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "x-cchc-chat" in allowed.headers["access-control-allow-headers"].lower()
    assert denied.status_code == 403
    assert "access-control-allow-origin" not in denied.headers
    assert posted.status_code == 200
    assert posted.headers["access-control-allow-origin"] == PORTAL
    csp = page.headers["content-security-policy"]
    assert f"frame-ancestors 'self' https://other.vn {PORTAL};" in csp
    assert "script-src 'self'" in csp


async def test_the_session_cookie_is_signed_httponly_and_samesite(
    webchat: WebchatUnderTest,
) -> None:
    async with webchat.browser() as browser:
        response = await browser.post("/api/chat", json={"text": "xin chào"})
    header = response.headers["set-cookie"].lower()
    assert header.startswith(f"{cookie.NAME}=")
    assert "httponly" in header
    assert "samesite=lax" in header
    assert "path=/" in header
    value = response.cookies[cookie.NAME]
    claim = cookie.read(SECRET.encode(), value, time.time())
    assert claim is not None
    assert claim.generation == 1


async def _session_of(browser: httpx.AsyncClient) -> str:
    value = browser.cookies[cookie.NAME]
    claim = cookie.read(SECRET.encode(), value, time.time())
    assert claim is not None
    return claim.session


async def test_a_forged_cookie_gets_a_new_session(webchat: WebchatUnderTest) -> None:
    async with webchat.browser() as victim:
        await ask(victim, text="thủ tục đăng ký kết hôn")
        session = await _session_of(victim)
    forged_value = f"{session}.1.{int(time.time())}.{'A' * 43}"
    resigned = cookie.issue(b"not the server's key", session, 1, time.time())
    for value in (forged_value, resigned, "garbage", session):
        assert await _replayed(webchat, value) != session


async def _replayed(web: WebchatUnderTest, value: str) -> str:
    """Send a chosen cookie value: history must be empty; the session the server gives back."""
    async with web.browser(headers={"Cookie": f"{cookie.NAME}={value}"}) as attacker:
        history = (await attacker.get("/api/chat/history")).json()
        assert history["messages"] == []
        response = await attacker.post("/api/chat", json={"text": "xin chào"})
        assert response.status_code == 200
        claim = cookie.read(SECRET.encode(), response.cookies[cookie.NAME], time.time())
        assert claim is not None
        return claim.session


async def test_a_replayed_cookie_after_rotation_gets_a_new_session(services: Services) -> None:
    async with serve_webchat(
        services, webchat_rotate_minutes=0, webchat_replay_grace_seconds=0
    ) as web:
        async with web.browser() as browser:
            await ask(browser, text="thủ tục đăng ký kết hôn")
            stolen = browser.cookies[cookie.NAME]
            session = await _session_of(browser)
            await ask(browser, text="lệ phí bao nhiêu")  # rotated: a new cookie
            rotated = browser.cookies[cookie.NAME]
            assert rotated != stolen
            assert await _session_of(browser) == session
            assert len((await browser.get("/api/chat/history")).json()["messages"]) >= 4
        assert await _replayed(web, stolen) != session


async def test_oversized_and_malformed_bodies_get_polite_4xx(webchat: WebchatUnderTest) -> None:
    async with webchat.browser() as browser:
        huge = await browser.post(
            "/api/chat",
            content=b'{"text": "' + b"a" * (MAX_BODY + 10) + b'"}',
            headers={"Content-Type": "application/json"},
        )
        polite(huge, 413, "too_long")
        long_text = await browser.post("/api/chat", json={"text": "hỏi " * 400})
        assert "1000" in polite(long_text, 413, "too_long")
        for body in (b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"", b"null"):
            response = await browser.post(
                "/api/chat", content=body, headers={"Content-Type": "application/json"}
            )
            polite(response, 400, "bad_request")
        for shape in (
            {},
            {"text": 5},
            {"text": "   "},
            {"text": "a", "button": "menu"},
            {"button": "x" * 65},
            {"button": "a\nb"},
            {"button": None, "text": None},
        ):
            polite(await browser.post("/api/chat", json=shape), 400, "bad_request")
        wrong_type = await browser.post(
            "/api/chat", content=b'{"text": "hi"}', headers={"Content-Type": "text/plain"}
        )
        polite(wrong_type, 415, "bad_request")
        bad_after = await browser.get("/api/chat/history?after=abc")
        polite(bad_after, 400, "bad_request")
        english = await browser.post("/api/chat", json={"text": "x" * 1001, "lang": "en"})
        assert "characters" in polite(english, 413, "too_long")


async def test_rate_limit_per_session_is_polite(services: Services) -> None:
    async with serve_webchat(
        services, webchat_session_messages=3, webchat_session_seconds=60
    ) as web:
        async with web.browser() as browser:
            for _ in range(3):
                await ask(browser, text="giờ làm việc")
            over = await browser.post("/api/chat", json={"text": "giờ làm việc"})
            message = polite(over, 429, "busy")
        async with web.browser() as other:  # another session is not affected
            await ask(other, text="giờ làm việc")
    assert "vui lòng đợi" in message
    assert over.headers["retry-after"]


async def test_rate_limit_per_address_covers_new_sessions(services: Services) -> None:
    async with serve_webchat(services, webchat_ip_messages=4, webchat_ip_seconds=60) as web:
        statuses = []
        for _ in range(6):
            async with web.browser() as fresh:  # a new cookie each time: same address
                response = await fresh.post("/api/chat", json={"text": "xin chào"})
                statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 200, 429, 429]
        polite(response, 429, "busy")


@pytest.mark.parametrize(
    "attack",
    ['<img src=x onerror="alert(1)">', "<script>alert('x')</script>", "javascript:alert(1)"],
)
async def test_script_in_a_message_comes_back_as_plain_text(
    webchat: WebchatUnderTest, attack: str
) -> None:
    async with webchat.browser() as browser:
        answer = await ask(browser, text=attack)
        history = (await browser.get("/api/chat/history")).json()
    said = [m["text"] for m in history["messages"] if m["role"] == "citizen"]
    assert said == [attack]  # kept as typed: the page renders it with textContent
    assert answer["replies"]
    assert "<script" not in texts(answer)
