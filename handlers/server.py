"""`cchc-bot serve`: one asyncio process, one ASGI app for every channel and the staff web."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
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
from bot.runtime import Services, build
from handlers.telegram.bot_app import TelegramChannel, TelegramConfig
from handlers.telegram.redact import install_redaction
from handlers.telegram.webhook import webhook_route

log = logging.getLogger(__name__)
BackgroundTask = Callable[[], Awaitable[None]]
TELEGRAM_OFF = "TELEGRAM_BOT_TOKEN is not set"


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


def create_app(
    services: Services,
    telegram: TelegramChannel | None = None,
    background: Sequence[BackgroundTask] = (),
    routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The ASGI app: /healthz, the Telegram webhook (when on), other `routes` (more channels,
    the staff web) and `background` jobs (e.g. the outbox dispatcher).

    Channels start and stop with the app (its lifespan); background jobs run beside them and
    are cancelled at shutdown.
    """
    jobs = [*background, *(telegram.background_tasks() if telegram else [])]

    async def healthz(_request: Request) -> JSONResponse:
        database = await run_in_threadpool(database_status, services)
        channels = {"telegram": telegram.status() if telegram else _off(TELEGRAM_OFF)}
        healthy = database["ok"] and all(c["state"] != "error" for c in channels.values())
        body = {"status": "ok" if healthy else "degraded", "database": database}
        body["channels"] = channels
        return JSONResponse(body, status_code=200 if database["ok"] else 503)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if telegram is not None:
            await telegram.start()
        else:
            log.warning("Telegram is off: %s", TELEGRAM_OFF)
        tasks = [asyncio.create_task(_supervised(job)) for job in jobs]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if telegram is not None:
                await telegram.stop()

    mounted: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"]), *routes]
    if telegram is not None and telegram.mode == "webhook":
        mounted.append(webhook_route(telegram))
    return Starlette(routes=mounted, lifespan=lifespan)


def _off(reason: str) -> dict[str, Any]:
    return {"enabled": False, "state": "off", "reason": reason}


async def _supervised(job: BackgroundTask) -> None:
    """Run a background job; a crash is logged, not fatal to the server."""
    try:
        await job()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("background job %s crashed", getattr(job, "__name__", job))


def protect_logs(settings: Settings) -> None:
    """Bot API URLs contain the token: keep HTTP client chatter out, redact what remains."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    secrets = [settings.telegram_bot_token, settings.telegram_webhook_secret]
    install_redaction(s.get_secret_value() for s in secrets if s is not None)


async def run(settings: Settings, polling: bool = False) -> None:
    """Build everything and serve until interrupted (SIGINT/SIGTERM stop it cleanly)."""
    protect_logs(settings)
    services = await asyncio.to_thread(build, settings)
    config = TelegramConfig.from_settings(settings, polling)
    telegram = TelegramChannel(services, config) if config is not None else None
    senders: dict[str, Sender] = {"telegram": telegram.sender()} if telegram else {}
    # Staff answers, status changes, new-ticket cards and the digest leave through the outbox.
    outbox = make_dispatcher(services.sessions, settings, senders)
    app = create_app(services, telegram, background=[outbox.run_forever])
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
    )
    state = telegram.mode if telegram else f"off ({TELEGRAM_OFF})"
    log.info("serving on http://%s:%d; telegram: %s", settings.host, settings.port, state)
    try:
        await server.serve()
    finally:
        services.engine.dispose()
