"""The staff desk served over real HTTP on loopback (uvicorn in a thread), and helpers."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import httpx
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from bot.desk.accounts import give_login, web_staff
from bot.feedback import make_dispatcher
from bot.feedback.models import Ticket
from bot.gateway.flood import MemoryFloodGate
from bot.gateway.front import Gateway
from bot.models import Contact, utcnow
from bot.runtime import Services
from handlers.channel import BackgroundTask, Channel, FileSource
from handlers.desk.routes import desk_routes
from handlers.server import create_app
from handlers.telegram.bot_app import TelegramChannel, telegram_channel
from tests.telegram.conftest import bot_settings, new_token
from tests.telegram.fake_bot_api import FakeBotApi, loopback_socket

PASSWORD = "mật-khẩu-đủ-dài-1"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def running_desk(
    services: Services,
    channels: Sequence[Channel] = (),
    background: Sequence[BackgroundTask] = (),
    gateway: Gateway | None = None,
    sock: socket.socket | None = None,
    files: Mapping[str, FileSource] | None = None,
) -> Iterator[str]:
    """The server (healthz, channels, /admin) on a loopback port; yields its base URL."""
    routes = desk_routes(services, files)
    app = create_app(services, channels, gateway, background=background, routes=routes)
    sock = sock or loopback_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False))
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])), name="desk", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive(), "the desk did not start"
        assert time.monotonic() < deadline, "the desk did not start in time"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def add_web_staff(
    services: Services, login: str, role: str = "staff", name: str | None = None
) -> int:
    """A web-only staff member with the test password; returns the staff id."""
    with services.sessions.begin() as session:
        staff = web_staff(session, login, name or f"Cán bộ {login}", role)
        give_login(session, staff, login, PASSWORD)
        return staff.id


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def log_in(client: httpx.Client, login: str, password: str = PASSWORD) -> httpx.Response:
    """Open the login form and submit it (as a browser would)."""
    form = client.get("/admin/login")
    data = {"csrf": csrf_of(form.text), "login": login, "password": password, "next": ""}
    return client.post("/admin/login", data=data)


def citizen_ticket(services: Services, description: str, code: str = "PA-2026-000101") -> int:
    """A ticket filed today by a Telegram citizen (user id: the code's last digits)."""
    return file_ticket(services.sessions, description, code)


def file_ticket(sessions: sessionmaker[Session], description: str, code: str) -> int:
    """The same, on any database."""
    with sessions.begin() as session:
        contact = Contact(channel="telegram", external_id=code[-4:], display_name="<b>An</b>")
        session.add(contact)
        session.flush()
        ticket = Ticket(
            code=code,
            contact_id=contact.id,
            category="khac",
            description=description,
            place="Thôn Đông <i>x</i>",
            status="new",
            due_date=utcnow().date() + dt.timedelta(days=10),
            attachments=[{"kind": "document", "ref": "f1", "name": "<svg onload=alert(1)>.pdf"}],
        )
        session.add(ticket)
        session.flush()
        return ticket.id


@dataclasses.dataclass
class Office:
    """`cchc-bot serve` as wired for real, talking to a fake Telegram."""

    url: str
    token: str
    services: Services


@contextmanager
def serve_office(services: Services, fake: FakeBotApi, *citizens: int) -> Iterator[Office]:
    """Telegram webhook channel, outbox dispatcher and the desk (with Telegram's files)."""
    sock = loopback_socket()
    token = new_token()
    settings = bot_settings(services.settings, fake, token, sock.getsockname()[1])
    services = dataclasses.replace(services, settings=settings)
    gateway = Gateway(services, MemoryFloodGate(30, 10.0))
    channel = telegram_channel(settings, gateway, False)
    assert isinstance(channel, TelegramChannel)
    sender = channel.sender()
    assert sender is not None
    outbox = make_dispatcher(services.sessions, settings, {"telegram": sender})
    for citizen in citizens:
        fake.add_chat(token, citizen)  # the citizen wrote to the bot when filing
    files = {"telegram": channel.fetch_file}
    with running_desk(services, [channel], [outbox.run_forever], gateway, sock, files) as url:
        yield Office(url, token, services)
