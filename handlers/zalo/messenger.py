"""Sending texts to one citizen with the current token: refresh and retry once on an expired
token, and remember the numbered choices shown so a typed digit can be mapped back."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine

from bot import choices
from bot.gateway.alerts import short_id
from bot.messages import Button
from handlers.zalo.api import ZaloApi, ZaloError
from handlers.zalo.errors import Kind, kind_of
from handlers.zalo.shape import CHANNEL
from handlers.zalo.tokens import TokenKeeper

log = logging.getLogger(__name__)


class Messenger:
    """Customer-service texts to citizens; raises `ZaloError`, `ZaloUnavailableError` or
    `TokenError` at the first text that fails."""

    def __init__(self, engine: Engine, api: ZaloApi, tokens: TokenKeeper) -> None:
        self.engine, self.api, self.tokens = engine, api, tokens

    async def show_choices(self, user_id: str, shown: list[Button]) -> None:
        """Remember the payloads behind the numbers about to be shown (before sending: the
        citizen's answer may come back faster than our next statement)."""
        payloads = [button.payload for button in shown]
        await asyncio.to_thread(choices.remember, self.engine, CHANNEL, user_id, payloads)

    async def send(self, user_id: str, texts: list[str]) -> int:
        """Send `texts` in order; returns how many were sent."""
        for text in texts:
            await self.send_one(user_id, text)
        return len(texts)

    async def send_one(self, user_id: str, text: str) -> str:
        """One text; an expired token is refreshed and the text sent again, once."""
        pair = await self.tokens.access()
        try:
            return await self.api.send_text(pair.access, user_id, text)
        except ZaloError as error:
            if kind_of(error.code) is not Kind.TOKEN:
                raise
            log.info("Zalo refused the access token (%d); refreshing", error.code)
        pair = await self.tokens.refresh(pair.version)
        try:
            return await self.api.send_text(pair.access, user_id, text)
        except ZaloError as error:
            log.warning(
                "Zalo send to %s failed after a refresh: %d", short_id(user_id), error.code
            )
            raise
