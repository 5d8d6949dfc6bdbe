"""PTB as transport only: one Application, one handler callback, webhook or polling."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, TypeHandler

from bot.config import Settings
from bot.runtime import Services
from handlers.telegram.commands import register_commands
from handlers.telegram.dedup import prune
from handlers.telegram.dispatch import Dispatcher
from handlers.telegram.errors import ErrorReporter
from handlers.telegram.flood import FloodGate
from handlers.telegram.redact import redact
from handlers.telegram.request import JsonRequest
from handlers.telegram.retry import RetryPolicy
from handlers.telegram.sender import TelegramSender

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
BackgroundTask = Callable[[], Awaitable[None]]

WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
]
# Threads running the core. The core is mostly CPU under the GIL: more threads than cores
# starve the event loop (measured: 2 threads beat 4 and 8 on a 2-core machine).
WORKERS = min(4, max(2, os.cpu_count() or 2))
CONCURRENT_UPDATES = 64  # updates in flight (one user's are still handled in order)
CONNECTIONS = 64  # HTTP connections to the Bot API for sending
POLL_TIMEOUT = 10  # seconds of getUpdates long polling
PRUNE_EVERY = 6 * 3600.0  # seconds between cleanups of processed_updates


@dataclass(frozen=True)
class TelegramConfig:
    """What the Telegram channel needs from the settings (present only with a token)."""

    token: str
    base_url: str
    webhook_url: str | None
    webhook_secret: str
    polling: bool
    staff_chat_id: int | None
    flood_messages: int
    flood_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings, polling: bool = False) -> TelegramConfig | None:
        """None without TELEGRAM_BOT_TOKEN; polling when asked or when no webhook URL is set."""
        if settings.telegram_bot_token is None:
            return None
        token = settings.telegram_bot_token.get_secret_value()
        if not token.strip():
            return None
        secret = settings.telegram_webhook_secret
        return cls(
            token=token,
            base_url=settings.telegram_api_base_url,
            webhook_url=settings.telegram_webhook_url,
            webhook_secret=secret.get_secret_value() if secret else derived_secret(token),
            polling=polling or not settings.telegram_webhook_url,
            staff_chat_id=settings.staff_chat_id,
            flood_messages=settings.flood_messages,
            flood_seconds=settings.flood_seconds,
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never reach a log line."""
        return (self.token, self.webhook_secret)


def derived_secret(token: str) -> str:
    """A stable webhook secret when none is configured (Telegram allows [A-Za-z0-9_-])."""
    return hashlib.sha256(b"cchc-bot webhook:" + token.encode()).hexdigest()


class TelegramChannel:
    """The Telegram channel's lifecycle (start, stop, status) around a PTB Application."""

    name = "telegram"

    def __init__(self, services: Services, config: TelegramConfig) -> None:
        self.services = services
        self.config = config
        self.executor = ThreadPoolExecutor(WORKERS, thread_name_prefix="telegram")
        flood = FloodGate(config.flood_messages, config.flood_seconds)
        self.dispatcher = Dispatcher(services, self.executor, flood, RetryPolicy())
        # Our own request objects, so they can be closed even when startup failed half-way.
        self.requests = (JsonRequest(connection_pool_size=CONNECTIONS), JsonRequest())
        self.application = self._build_application()
        self.state = "stopped"
        self.problem: str | None = None
        self.username: str | None = None

    @property
    def mode(self) -> str:
        """Either "polling" or "webhook"."""
        return "polling" if self.config.polling else "webhook"

    @property
    def running(self) -> bool:
        """Whether updates are being received and handled."""
        return self.state == "running"

    def _build_application(self) -> App:
        builder = (
            ApplicationBuilder()
            .token(self.config.token)
            .base_url(self.config.base_url)
            .request(self.requests[0])
            .get_updates_request(self.requests[1])
            .concurrent_updates(CONCURRENT_UPDATES)
            .job_queue(None)
        )
        if not self.config.polling:
            builder = builder.updater(None)
        application: App = builder.build()
        application.add_handler(TypeHandler(Update, self.dispatcher.on_update))
        reporter = ErrorReporter(
            self.services.matcher.kb,
            self.config.staff_chat_id,
            self.config.secrets,
            alerts=self.services.shared.alerts,
        )
        application.add_error_handler(reporter)
        return application

    async def start(self) -> None:
        """Connect (getMe), register commands, then set the webhook or start polling.

        A failure here (bad token, Telegram unreachable) is logged and shown by /healthz; the
        rest of the server keeps running.
        """
        bot = self.application.bot
        try:
            await self.application.initialize()
            self.username = bot.username
            await self._register_commands()
            await self.application.start()
            if self.config.polling:
                await bot.delete_webhook()
                assert self.application.updater is not None
                await self.application.updater.start_polling(
                    timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
                )
            else:
                await bot.set_webhook(
                    self.config.webhook_url or "",
                    secret_token=self.config.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
        except TelegramError as error:
            self.state, self.problem = "error", redact(str(error), self.config.secrets)
            log.error("Telegram did not start: %s: %s", type(error).__name__, self.problem)
            return
        self.state = "running"
        log.info("Telegram is on: @%s, %s mode", bot.username, self.mode)

    async def _register_commands(self) -> None:
        try:
            await register_commands(self.application.bot)
        except TelegramError as error:
            log.warning("setMyCommands failed (%s); the / menu may be stale", type(error).__name__)

    async def stop(self) -> None:
        """Stop polling and handling, close the HTTP client. The webhook stays set on purpose:
        Telegram keeps updates while we restart."""
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        for request in self.requests:
            await request.shutdown()
        self.executor.shutdown(wait=True)
        self.state = "stopped"

    def secret_matches(self, header: str | None) -> bool:
        """Whether a webhook request carries our X-Telegram-Bot-Api-Secret-Token."""
        return hmac.compare_digest((header or "").encode(), self.config.webhook_secret.encode())

    async def accept(self, data: dict[str, Any]) -> None:
        """Queue one update received by the webhook (PTB processes it)."""
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)

    def sender(self) -> TelegramSender:
        """The outbox's sender for this bot."""
        return TelegramSender(self.application.bot)

    def background_tasks(self) -> list[BackgroundTask]:
        """Periodic jobs the server runs while the channel is up."""
        return [self._prune_forever]

    async def _prune_forever(self) -> None:
        while True:
            removed = await self.dispatcher.run_sync(prune, self.services.engine)
            if removed:
                log.info("forgot %d old processed update ids", removed)
            await asyncio.sleep(PRUNE_EVERY)

    def status(self) -> dict[str, Any]:
        """For /healthz: mode, state, the bot's name and the update counters."""
        found: dict[str, Any] = {
            "enabled": True,
            "mode": self.mode,
            "state": self.state,
            "bot": f"@{self.username}" if self.username else None,
            "queued": self.application.update_queue.qsize(),
            "updates": self.dispatcher.progress.as_dict(),
        }
        if self.problem:
            found["problem"] = self.problem
        return found
