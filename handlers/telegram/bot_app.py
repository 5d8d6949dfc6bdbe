"""The Telegram channel: a PTB `Bot` as transport; updates go through the front door."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute
from telegram import Bot, Update
from telegram.error import TelegramError

from bot.config import Settings
from bot.gateway.alerts import StaffAlerts
from bot.gateway.front import Gateway
from bot.gateway.quiet import QuietWarning
from handlers.channel import BackgroundTask, Disabled
from handlers.telegram.commands import register_commands
from handlers.telegram.convert import CHANNEL
from handlers.telegram.redact import install_redaction, redact
from handlers.telegram.request import JsonRequest
from handlers.telegram.respond import TelegramAdapter
from handlers.telegram.sender import TelegramSender
from handlers.telegram.shape import MalformedUpdateError, key_of
from handlers.telegram.webhook import webhook_route

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
]
CONNECTIONS = 64  # HTTP connections to the Bot API for sending
POLL_TIMEOUT = 10  # seconds of getUpdates long polling
POLL_BACKOFF = 2.0  # seconds after a failed getUpdates


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
    send_rate: float

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
            send_rate=settings.telegram_send_rate,
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never reach a log line."""
        return (self.token, self.webhook_secret)


def derived_secret(token: str) -> str:
    """A stable webhook secret when none is configured (Telegram allows [A-Za-z0-9_-])."""
    return hashlib.sha256(b"cchc-bot webhook:" + token.encode()).hexdigest()


MAX_FILE = 20 * 1024 * 1024  # what the Bot API lets a bot download


def file_base_url(base_url: str) -> str:
    """Where files are downloaded: …/bot → …/file/bot (the official and the fake layout)."""
    root = base_url.rstrip("/").removesuffix("/bot")
    return f"{root}/file/bot"


class TelegramChannel:
    """The Telegram channel's lifecycle (start, stop, status), webhook route and polling."""

    name = CHANNEL

    def __init__(self, config: TelegramConfig, gateway: Gateway, primary: bool = True) -> None:
        self.config = config
        self.gateway = gateway
        self.primary = primary  # the one worker that registers commands, the webhook, polls
        # Our own request objects, so they can be closed even when startup failed half-way.
        self.requests = (JsonRequest(connection_pool_size=CONNECTIONS), JsonRequest())
        self.bot = Bot(
            config.token,
            base_url=config.base_url,
            base_file_url=file_base_url(config.base_url),
            request=self.requests[0],
            get_updates_request=self.requests[1],
        )
        self.adapter = TelegramAdapter(self.bot)
        gateway.register(self.adapter)
        self.unauthenticated = QuietWarning(
            log, "webhook requests without the right secret token; refused"
        )
        self.state = "stopped"
        self.problem: str | None = None
        self.username: str | None = None

    @property
    def mode(self) -> str:
        """Either "polling" or "webhook"."""
        return "polling" if self.config.polling else "webhook"

    @property
    def running(self) -> bool:
        """Whether updates are being received."""
        return self.state == "running"

    async def fetch_file(self, ref: str) -> bytes:
        """A file a citizen sent (by its file_id), through the Bot API (at most 20 MB)."""
        found = await self.bot.get_file(ref)
        if found.file_size and found.file_size > MAX_FILE:
            raise ValueError("file too large")
        return bytes(await found.download_as_bytearray())

    def routes(self) -> list[BaseRoute]:
        """The webhook, in webhook mode."""
        return [] if self.config.polling else [webhook_route(self, WEBHOOK_PATH)]

    async def start(self) -> None:
        """Connect (getMe); the primary worker registers commands and the webhook.

        A failure here (bad token, Telegram unreachable) is logged and shown by /healthz; the
        rest of the server keeps running.
        """
        try:
            await self.bot.initialize()
            self.username = self.bot.username
            if self.primary:
                await self._register_commands()
                if self.config.polling:
                    await self.bot.delete_webhook()
                else:
                    await self.bot.set_webhook(
                        self.config.webhook_url or "",
                        secret_token=self.config.webhook_secret,
                        allowed_updates=ALLOWED_UPDATES,
                    )
        except TelegramError as error:
            self.state, self.problem = "error", redact(str(error), self.config.secrets)
            log.error("Telegram did not start: %s: %s", type(error).__name__, self.problem)
            return
        self.state = "running"
        log.info("Telegram is on: @%s, %s mode", self.bot.username, self.mode)

    async def _register_commands(self) -> None:
        try:
            await register_commands(self.bot)
        except TelegramError as error:
            log.warning("setMyCommands failed (%s); the / menu may be stale", type(error).__name__)

    async def stop(self) -> None:
        """Close the HTTP clients. The webhook stays set on purpose: Telegram keeps updates
        while we restart."""
        await self.bot.shutdown()  # a no-op when it never initialized
        for request in self.requests:
            await request.shutdown()
        self.state = "stopped"

    def secret_matches(self, header: str | None) -> bool:
        """Whether a webhook request carries our X-Telegram-Bot-Api-Secret-Token."""
        return hmac.compare_digest((header or "").encode(), self.config.webhook_secret.encode())

    def sender(self) -> TelegramSender:
        """The outbox's sender for this bot."""
        return TelegramSender(self.bot, self.config.send_rate)

    def jobs(self) -> list[BackgroundTask]:
        """Long polling (primary worker, polling mode), which writes to the same inbox."""
        return [self._poll_forever] if self.config.polling and self.primary else []

    async def _poll_forever(self) -> None:
        """getUpdates → inbox. The offset moves on only after the batch is committed, so a
        crash makes Telegram hand the same updates out again."""
        offset: int | None = None
        while True:
            if not self.running:
                await asyncio.sleep(POLL_BACKOFF)
                continue
            try:
                found = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
                )
            except TelegramError as error:
                log.warning("getUpdates failed (%s); retrying", type(error).__name__)
                await asyncio.sleep(POLL_BACKOFF)
                continue
            for update in found:
                await self._store(update.to_dict())
                offset = update.update_id + 1

    async def _store(self, data: dict[str, Any]) -> None:
        try:
            platform_id, citizen = key_of(data)
        except MalformedUpdateError as error:
            log.warning("getUpdates gave a malformed update (%s); skipped", error)
            return
        if citizen is None:
            self.gateway.skip()
        else:
            await self.gateway.receive(CHANNEL, platform_id, citizen, data)

    def status(self) -> dict[str, Any]:
        """For /healthz: mode, state, the bot's name and the update counters."""
        found: dict[str, Any] = {
            "enabled": True,
            "mode": self.mode,
            "state": self.state,
            "bot": f"@{self.username}" if self.username else None,
            "updates": self.gateway.progress.as_dict(),
        }
        if self.problem:
            found["problem"] = self.problem
        return found


TELEGRAM_OFF = "TELEGRAM_BOT_TOKEN is not set"


def telegram_channel(
    settings: Settings, gateway: Gateway, polling: bool = False, primary: bool = True
) -> TelegramChannel | Disabled:
    """The Telegram channel from the settings (off without a token); staff alerts go to
    STAFF_CHAT_ID through it, and its secrets are kept out of every log line."""
    config = TelegramConfig.from_settings(settings, polling)
    if config is None:
        return Disabled(CHANNEL, TELEGRAM_OFF)
    install_redaction(config.secrets)
    channel = TelegramChannel(config, gateway, primary)
    if config.staff_chat_id is not None:
        gateway.alerts = StaffAlerts(
            channel.sender(), str(config.staff_chat_id), limit=gateway.services.shared.alerts
        )
    return channel
