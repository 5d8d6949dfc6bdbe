"""Desk access over real HTTP: login, cookies, CSRF, fixation, attempt limits, roles, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from bot.desk.models import DeskAudit
from bot.feedback.models import Holiday, MakeupDay
from bot.runtime import Services
from tests.web.desk_kit import add_web_staff, csrf_of, log_in, running_desk


@pytest.fixture
def desk(services: Services) -> Iterator[str]:
    with running_desk(services) as url:
        yield url


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, follow_redirects=False, timeout=10)


def test_pages_need_a_login(services: Services, desk: str) -> None:
    with client(desk) as c:
        for path in ("/admin/items", "/admin/items/1", "/admin/staff", "/admin/reports"):
            response = c.get(path)
            assert response.status_code == 303
            assert response.headers["location"].startswith("/admin/login")
        assert c.post("/admin/items/1/act", data={"verb": "close"}).status_code == 401


def test_login_sets_a_signed_httponly_samesite_cookie_and_rotates_it(
    services: Services, desk: str
) -> None:
    add_web_staff(services, "lan")
    with client(desk) as c:
        response = log_in(c, "lan")
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "cchc_desk=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Path=/admin" in cookie
        assert "Max-Age=" in cookie
        first = c.cookies["cchc_desk"]
        assert c.get("/admin/items").status_code == 200
        # Logging in again from the same browser gives a new session id, and the old one is
        # dead: a session id known before login (fixation) never becomes a logged-in one.
        log_in(c, "lan")
        second = c.cookies["cchc_desk"]
        assert second != first
    with client(desk) as stale:
        stale.cookies.set("cchc_desk", first, path="/admin")
        assert stale.get("/admin/items").status_code == 303


def test_cookie_is_secure_over_https(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with client(desk) as c:
        c.headers["X-Forwarded-Proto"] = "https"  # uvicorn trusts it from 127.0.0.1
        form = c.get("/admin/login")
        assert "Secure" in form.headers["set-cookie"]
        data = {"csrf": csrf_of(form.text), "login": "lan", "password": "mật-khẩu-đủ-dài-1"}
        # httpx keeps a Secure cookie from a plain-http URL to itself: send it by hand.
        nonce = form.headers["set-cookie"].split(";")[0]
        response = c.post("/admin/login", data=data, headers={"Cookie": nonce})
        assert response.status_code == 303
        assert "Secure" in response.headers["set-cookie"]


def test_a_tampered_or_made_up_cookie_opens_nothing(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with client(desk) as c:
        log_in(c, "lan")
        token = c.cookies["cchc_desk"]
        c.cookies.set("cchc_desk", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
        assert c.get("/admin/items").status_code == 303


def test_csrf_is_refused(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with client(desk) as c:
        # The login form itself: a post without the token tied to the login cookie.
        refused = c.post("/admin/login", data={"login": "lan", "password": "x" * 12})
        assert refused.status_code == 403
        log_in(c, "lan")
        response = c.post("/admin/items/1/act", data={"verb": "close", "csrf": "forged"})
        assert response.status_code == 403
        assert c.post("/admin/logout", data={}).status_code == 403
        assert c.get("/admin/items").status_code == 200  # still logged in
    with services.sessions() as session:
        actions = session.scalars(select(DeskAudit.action)).all()
    assert "csrf_refused" in actions


def test_failed_logins_are_limited_and_audited(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with client(desk) as c:
        for _ in range(5):
            assert log_in(c, "lan", "sai-mat-khau-roi").status_code == 401
        locked = log_in(c, "lan")  # the right password, but too late
        assert locked.status_code == 429
        assert "15 phút" in locked.text
        assert "cchc_desk=" not in locked.headers.get("set-cookie", "")
    with services.sessions() as session:
        rows = session.scalars(select(DeskAudit).where(DeskAudit.target == "lan")).all()
    assert [r.action for r in rows].count("login_failed") == 5
    assert rows[-1].action == "login_locked"


def test_staff_cannot_reach_admin_pages(services: Services, desk: str) -> None:
    add_web_staff(services, "lan", role="staff")
    add_web_staff(services, "minh", role="admin")
    with client(desk) as c:
        log_in(c, "lan")
        for path in ("/admin/staff", "/admin/audit", "/admin/days"):
            assert c.get(path).status_code == 403, path
        page = c.get("/admin/items")
        assert "/admin/staff" not in page.text  # not even offered
    with client(desk) as c:
        log_in(c, "minh")
        assert c.get("/admin/staff").status_code == 200


def test_logout_ends_the_session(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with client(desk) as c:
        log_in(c, "lan")
        token = c.cookies["cchc_desk"]
        page = c.get("/admin/items")
        assert c.post("/admin/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    with client(desk) as again:
        again.cookies.set("cchc_desk", token, path="/admin")
        assert again.get("/admin/items").status_code == 303


def test_pages_carry_security_headers(services: Services, desk: str) -> None:
    with client(desk) as c:
        headers = c.get("/admin/login").headers
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none'
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_admin_sets_office_days_and_staff_cannot(services: Services, desk: str) -> None:
    add_web_staff(services, "minh", role="admin")
    add_web_staff(services, "lan", role="staff")
    with client(desk) as c:
        log_in(c, "minh")
        page = c.get("/admin/days")
        assert "Giỗ Tổ Hùng Vương" in page.text
        csrf = csrf_of(page.text)
        saved = c.post(
            "/admin/days",
            data={"csrf": csrf, "day": "17/10/2026", "name": "Làm bù", "kind": "makeup"},
        )
        assert "notice=saved" in saved.headers["location"]
        weekday = {"csrf": csrf, "day": "2026-10-14", "name": "Sai", "kind": "makeup"}
        assert "notice=weekday" in c.post("/admin/days", data=weekday).headers["location"]
        assert "17/10/2026 – làm bù: Làm bù" in c.get("/admin/days").text
    with client(desk) as c:
        log_in(c, "lan")
        csrf = csrf_of(c.get("/admin/items").text)
        off = {"csrf": csrf, "day": "2026-10-15", "name": "Nghỉ", "kind": "off"}
        assert c.post("/admin/days", data=off).status_code == 403
    with services.sessions() as session:
        assert session.get(Holiday, dt.date(2026, 10, 15)) is None
        assert session.get(MakeupDay, dt.date(2026, 10, 17)) is not None


def test_changing_the_password_ends_the_other_sessions(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with client(desk) as other:
        log_in(other, "lan")
        with client(desk) as c:
            log_in(c, "lan")
            csrf = csrf_of(c.get("/admin/password").text)
            form = {"csrf": csrf, "current": "sai", "new": "mat-khau-moi-123", "again": ""}
            assert "notice=differ" in c.post("/admin/password", data=form).headers["location"]
            form["again"] = form["new"]
            assert "notice=wrong" in c.post("/admin/password", data=form).headers["location"]
            form["current"] = "mật-khẩu-đủ-dài-1"
            assert "notice=done" in c.post("/admin/password", data=form).headers["location"]
            assert c.get("/admin/items").status_code == 200  # this session goes on
        assert other.get("/admin/items").status_code == 303  # the other one ended
        assert log_in(other, "lan", "mat-khau-moi-123").status_code == 303


def test_an_oversized_or_odd_form_is_refused(services: Services, desk: str) -> None:
    add_web_staff(services, "lan")
    with client(desk) as c:
        log_in(c, "lan")
        csrf = csrf_of(c.get("/admin/items").text)
        huge = {"csrf": csrf, "verb": "answer", "content": "x" * 70_000}
        assert c.post("/admin/items/1/act", data=huge).status_code == 400
        as_json = c.post("/admin/items/1/act", json={"csrf": csrf, "verb": "close"})
        assert as_json.status_code == 400
