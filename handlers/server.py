"""`cchc-bot serve`: one asyncio process, one ASGI app for every channel and the staff web."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import uvicorn
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.config import Settings
from bot.delivery import Sender
from bot.feedback import make_dispatcher
from bot.gateway.front import Gateway
from bot.gateway.housekeeping import prune_forever
from bot.runtime import Services, build
from bot.shared.backends import SharedFloodGate
from handlers.asgi import Server
from handlers.channel import BackgroundTask, Channel, FileChannel
from handlers.desk.routes import desk_routes

log = logging.getLogger(__name__)
# Builds one channel: (settings, gateway, polling, primary worker?) -> Channel.
ChannelFactory = Callable[[Settings, Gateway, bool, bool], Channel]


def database_status(services: Services) -> dict[str, Any]:
    """Can we reach the database, and is it migrated?"""
    backend = services.engine.dialect.name
    try:
        with services.engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as error:
        return {"ok": False, "backend": backend, "error": type(error).__name__}
    if revision is None:
        return {"ok": False, "backend": backend, "error": "not migrated: run cchc-bot db upgrade"}
    return {"ok": True, "backend": backend, "revision": revision}


def inbox_status(gateway: Gateway) -> dict[str, Any]:
    """The inbox backlog, or why it cannot be read."""
    try:
        return gateway.status()
    except SQLAlchemyError as error:
        return {"error": type(error).__name__}


def create_app(
    services: Services,
    channels: Sequence[Channel] = (),
    gateway: Gateway | None = None,
    background: Sequence[BackgroundTask] = (),
    routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The ASGI app: /healthz, every channel's routes, other `routes` (the staff web), the
    front door's workers and `background` jobs (e.g. the outbox dispatcher).

    Channels start and stop with the app (its lifespan); background jobs run beside them and
    are cancelled at shutdown.
    """
    jobs = [*background, *(job for channel in channels for job in channel.jobs())]
    if gateway is not None:
        jobs += [gateway.run_forever, lambda: prune_forever(gateway)]

    async def healthz(_request: Request) -> JSONResponse:
        database = await run_in_threadpool(database_status, services)
        states = {channel.name: channel.status() for channel in channels}
        healthy = database["ok"] and all(s["state"] != "error" for s in states.values())
        body = {"status": "ok" if healthy else "degraded", "database": database}
        body["channels"] = states
        if gateway is not None:
            body["inbox"] = await run_in_threadpool(inbox_status, gateway)
        return JSONResponse(body, status_code=200 if database["ok"] else 503)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        for channel in channels:
            await channel.start()
        tasks = [asyncio.create_task(_supervised(job)) for job in jobs]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for channel in channels:
                await channel.stop()
            if gateway is not None:
                gateway.stop()

    mounted: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"]), *routes]
    for channel in channels:
        mounted += channel.routes()
    return Server(routes=mounted, lifespan=lifespan)


async def _supervised(job: BackgroundTask) -> None:
    """Run a background job; a crash is logged, not fatal to the server."""
    try:
        await job()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("background job %s crashed", getattr(job, "__name__", job))


def _mode(status: dict[str, Any]) -> str:
    return str(status.get("mode") or f"off ({status.get('reason')})")


def protect_logs() -> None:
    """Keep HTTP client chatter (request URLs carry bot tokens) out of the log."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


async def run(
    settings: Settings,
    factories: Sequence[ChannelFactory],
    polling: bool = False,
    sock: socket.socket | None = None,
    primary: bool = True,
) -> None:
    """Build everything and serve until interrupted (SIGINT/SIGTERM stop it cleanly).

    `sock`: a listening socket shared by several worker processes; `primary`: the worker that
    registers webhooks and polls.
    """
    protect_logs()
    services = await asyncio.to_thread(build, settings)
    flood = SharedFloodGate(services.shared.flood, settings.flood_messages, settings.flood_seconds)
    gateway = Gateway(services, flood)
    channels = [factory(settings, gateway, polling, primary) for factory in factories]
    senders: dict[str, Sender] = {}
    for channel in channels:
        sender = channel.sender()
        if sender is not None:
            senders[channel.name] = sender
            gateway.limit(sender.channel, sender.rate_per_second)
    # Staff answers, status changes, new-ticket cards and the digest leave through the outbox.
    outbox = make_dispatcher(services.sessions, settings, senders, shared=services.shared)
    # The staff desk shows citizens' files through the channel they came from.
    files = {c.name: c.fetch_file for c in channels if isinstance(c, FileChannel)}
    desk = desk_routes(services, files)
    background = [outbox.run_forever, services.live_kb.job(services.sessions)]  # KB reloads
    app = create_app(services, channels, gateway, background=background, routes=desk)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    states = ", ".join(f"{c.name}: {_mode(c.status())}" for c in channels) or "no channels"
    log.info("serving on http://%s:%d; %s", settings.host, settings.port, states)
    try:
        await server.serve(sockets=[sock] if sock is not None else None)
    finally:
        services.engine.dispose()
