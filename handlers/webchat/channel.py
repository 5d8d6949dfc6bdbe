"""The web chat channel: the page, the snippet, the JSON API and the outbox sender."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.routing import BaseRoute

from bot.config import Settings
from bot.gateway.flood import FloodGate
from bot.gateway.front import Gateway
from bot.models import utcnow
from bot.shared.backends import SharedFloodGate
from bot.shared.jobs import claim_alone
from bot.webchat import sessions
from handlers.channel import BackgroundTask, Disabled
from handlers.webchat.api import ChatApi
from handlers.webchat.config import WEBCHAT_OFF, WebchatConfig
from handlers.webchat.convert import CHANNEL
from handlers.webchat.pages import page_routes
from handlers.webchat.respond import Waiters, WebAdapter, WebSender

log = logging.getLogger(__name__)
FORGET_EVERY = 6 * 3600.0  # seconds between looks for idle sessions
FORGET_JOB = "forget-webchat-sessions"
UNSIGNED_WARNING = (
    "WEBCHAT_SECRET is not set: web chat sessions are signed with a random key of this "
    "process (they end at a restart and are not shared by several workers); set it in production"
)


class WebchatChannel:
    """The portal's chat: answered on the request; later messages kept for the page's poll."""

    name = CHANNEL

    def __init__(self, config: WebchatConfig, gateway: Gateway) -> None:
        self.config, self.gateway = config, gateway
        self.waiters = Waiters()
        shared = gateway.services.shared.flood
        self.per_session: FloodGate = SharedFloodGate(
            shared, config.per_session.count, config.per_session.seconds
        )
        self.per_ip: FloodGate = SharedFloodGate(
            shared, config.per_ip.count, config.per_ip.seconds
        )
        gateway.register(WebAdapter(gateway.services.engine, self.waiters))
        self.api = ChatApi(self)
        self.state = "stopped"

    def routes(self) -> list[BaseRoute]:
        """The API, the page, the snippet."""
        return [*self.api.routes(), *page_routes(self.config.origins)]

    async def start(self) -> None:
        """Nothing to connect; warn when sessions are signed with a throwaway key."""
        if self.config.generated_secret:
            log.warning(UNSIGNED_WARNING)
        self.state = "running"
        log.info("Web chat is on: / and /widget.js, API /api/chat")

    async def stop(self) -> None:
        """Nothing to release."""
        self.state = "stopped"

    def status(self) -> dict[str, Any]:
        """For /healthz."""
        return {
            "enabled": True,
            "mode": "http",
            "state": self.state,
            "portal_origins": sorted(self.config.origins),
            "session_key": "random per process" if self.config.generated_secret else "set",
            "waiting_requests": len(self.waiters),
        }

    def sender(self) -> WebSender:
        """The outbox's sender: keeps staff answers and status changes for the page."""
        return WebSender(self.gateway.services.engine)

    def jobs(self) -> list[BackgroundTask]:
        """Forget idle conversations (one worker per period); live updates need none: the page
        polls."""
        return [self._forget_forever]

    async def _forget_forever(self) -> None:
        services = self.gateway.services
        while True:
            period = f"{int(utcnow().timestamp() // FORGET_EVERY)}"
            try:
                if await asyncio.to_thread(claim_alone, services.sessions, FORGET_JOB, period):
                    gone = await asyncio.to_thread(
                        sessions.forget_idle, services.engine, self.config.keep
                    )
                    if gone:
                        log.info("forgot %d idle web chat session(s)", gone)
            except Exception:
                log.exception("could not forget idle web chat sessions")
            await asyncio.sleep(FORGET_EVERY)


def webchat_channel(
    settings: Settings,
    gateway: Gateway,
    polling: bool = False,  # noqa: ARG001 - the page polls us, not we it
    primary: bool = True,  # noqa: ARG001 - every worker serves the page alike
) -> WebchatChannel | Disabled:
    """The web chat from the settings (on unless WEBCHAT_ENABLED=false)."""
    config = WebchatConfig.from_settings(settings)
    if config is None:
        return Disabled(CHANNEL, WEBCHAT_OFF)
    return WebchatChannel(config, gateway)
