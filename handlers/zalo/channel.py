"""The Zalo channel: lifecycle, webhook, outbox sender, token upkeep and held-row revival."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot import held
from bot.config import Settings
from bot.gateway.front import Gateway
from bot.gateway.quiet import QuietWarning
from bot.messages import Reply
from bot.platform_rules import ZALO_ANNOUNCEMENTS
from handlers.channel import BackgroundTask, Disabled
from handlers.zalo.api import ZaloApi
from handlers.zalo.config import ZALO_OFF, ZaloConfig
from handlers.zalo.messenger import Messenger
from handlers.zalo.respond import ZaloAdapter
from handlers.zalo.sender import ZaloSender
from handlers.zalo.shape import CHANNEL
from handlers.zalo.signature import Verifier
from handlers.zalo.tokens import TokenKeeper
from handlers.zalo.webhook import WEBHOOK_PATH, webhook_route

log = logging.getLogger(__name__)
REVIVE_EVERY = 15.0  # seconds between looks for held rows whose citizen wrote again
REFRESH_ALERT = (
    "⚠️ cchc-bot: không làm mới được mã truy cập Zalo OA ({reason}). Tin nhắn Zalo sẽ không "
    "gửi được cho đến khi quản trị viên cấp lại ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN."
)


class ZaloChannel:
    """Zalo OA: events arrive on the webhook; replies and outbox rows go out as cs messages."""

    name = CHANNEL

    def __init__(self, config: ZaloConfig, gateway: Gateway, api: ZaloApi | None = None) -> None:
        self.config, self.gateway = config, gateway
        engine = gateway.services.engine
        self.api = api or ZaloApi(config.api_base_url, config.oauth_base_url)
        self.tokens = TokenKeeper(
            engine, self.api, config.app_id, config.app_secret, alert=self._alert
        )
        self.messenger = Messenger(engine, self.api, self.tokens)
        self.adapter = ZaloAdapter(engine, self.messenger)
        gateway.register(self.adapter)
        self.verifier = Verifier(config.app_id, config.oa_secret_key)
        self.unauthenticated = QuietWarning(log, "Zalo webhook requests with a bad signature")
        self.stale = QuietWarning(log, "Zalo webhook requests with a stale timestamp")
        self._unknown: set[str] = set()
        self.state = "stopped"

    @property
    def running(self) -> bool:
        """Whether events are being accepted."""
        return self.state == "running"

    def routes(self) -> list[Any]:
        """The webhook."""
        return [webhook_route(self, WEBHOOK_PATH)]

    def unknown(self, event: str) -> None:
        """An event we do not handle: logged once per name, then skipped silently."""
        if event not in self._unknown and len(self._unknown) < 100:
            self._unknown.add(event)
            log.info("Zalo event %r is not handled; skipped (logged once)", event[:40])

    async def start(self) -> None:
        """Load (or seed) the token pair; a problem shows in /healthz, the server goes on."""
        try:
            await self.tokens.seed(self.config.access_token, self.config.refresh_token)
        except Exception as error:
            self.tokens.problem = f"could not load tokens: {type(error).__name__}"
            log.error("Zalo tokens could not be loaded: %s", type(error).__name__)
        self.state = "running"
        log.info("Zalo is on: app %s, webhook %s", self.config.app_id, WEBHOOK_PATH)

    async def stop(self) -> None:
        """Close the HTTP client."""
        await self.api.close()
        self.state = "stopped"

    def sender(self) -> ZaloSender:
        """The outbox's sender (holds what falls outside the interaction window)."""
        return ZaloSender(self.gateway.services.engine, self.messenger, self.config.window)

    def jobs(self) -> list[BackgroundTask]:
        """Refresh the token ahead of expiry; revive held rows once the citizen writes."""
        return [self.tokens.keep_fresh_forever, self._revive_forever]

    async def _revive_forever(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.revive_once)
            except Exception:
                log.exception("could not revive held Zalo messages")
            await asyncio.sleep(REVIVE_EVERY)

    def revive_once(self) -> int:
        """Held rows whose citizen wrote again become pending (returns how many)."""
        with self.gateway.services.sessions.begin() as session:
            count = held.revive(session, CHANNEL)
        if count:
            log.info("%d held Zalo message(s) can be sent again", count)
        return count

    async def _alert(self, reason: str) -> None:
        alerts = self.gateway.alerts
        if alerts is None:
            return
        await alerts.sender.send(alerts.recipient, [Reply(REFRESH_ALERT.format(reason=reason))])

    def status(self) -> dict[str, Any]:
        """For /healthz: state, tokens (state, expiry, last failure), what broadcast allows."""
        tokens = self.tokens.status()
        return {
            "enabled": True,
            "mode": "webhook",
            "state": "error" if self.running and tokens["state"] == "error" else self.state,
            "app_id": self.config.app_id,
            "tokens": tokens,
            "token_refreshes_here": self.tokens.refreshes,
            "announcements": ZALO_ANNOUNCEMENTS["vi"],
        }


def zalo_channel(
    settings: Settings,
    gateway: Gateway,
    polling: bool = False,  # noqa: ARG001 - Zalo has no polling
    primary: bool = True,  # noqa: ARG001 - every worker takes the webhook alike
) -> ZaloChannel | Disabled:
    """The Zalo channel from the settings (off without ZALO_APP_ID and ZALO_OA_SECRET_KEY)."""
    config = ZaloConfig.from_settings(settings)
    if config is None:
        return Disabled(CHANNEL, ZALO_OFF)
    return ZaloChannel(config, gateway)
