"""The access token in use: loaded from the database, refreshed before it expires, rotated once.

Every worker reads the pair from `zalo_tokens` (bot/zalo_tokens.py). A refresh is spent by the
one worker whose compare-and-set took the row's lease; a worker that lost waits for the new
version and uses it. A failed refresh is kept in the row (for /healthz) and told to staff.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import Engine

from bot import zalo_tokens
from bot.models import utcnow
from bot.zalo_tokens import TokenPair
from handlers.zalo.api import ZaloApi, ZaloError, ZaloUnavailableError

log = logging.getLogger(__name__)
SEED_TTL = dt.timedelta(hours=24)  # how long a pair from the environment is trusted at first
REFRESH_AHEAD = dt.timedelta(hours=1)  # refresh this long before the access token expires
CHECK_EVERY = 60.0  # seconds between expiry checks
WAIT_STEP = 0.1  # seconds between looks while another worker refreshes
Alert = Callable[[str], Awaitable[None]]


class TokenError(Exception):
    """No usable access token (not configured, or refreshing failed)."""


class TokenKeeper:
    """Gives the current access token and refreshes it, at most once across all workers."""

    def __init__(
        self,
        engine: Engine,
        api: ZaloApi,
        app_id: str,
        app_secret: str,
        alert: Alert | None = None,
        lease: dt.timedelta = zalo_tokens.REFRESH_LEASE,
    ) -> None:
        self.engine, self.api = engine, api
        self.app_id, self.app_secret = app_id, app_secret
        self.alert, self.lease = alert, lease
        self.pair: TokenPair | None = None
        self.problem: str | None = None
        self.refreshes = 0  # refresh tokens this process spent
        self._lock = asyncio.Lock()

    async def seed(self, access: str, refresh: str) -> None:
        """Store the environment's first pair (kept if the database already rotated it)."""
        if not access or not refresh:
            self.pair = await asyncio.to_thread(zalo_tokens.current, self.engine, self.app_id)
            if self.pair is None:
                self.problem = "ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN are not set"
            return
        self.pair = await asyncio.to_thread(
            zalo_tokens.seed, self.engine, self.app_id, access, refresh, SEED_TTL
        )
        self.problem = self.pair.last_error

    async def access(self) -> TokenPair:
        """The pair to send with; refreshed first when it is about to expire."""
        pair = self.pair or await asyncio.to_thread(zalo_tokens.current, self.engine, self.app_id)
        if pair is None:
            raise TokenError(self.problem or "no Zalo token pair")
        self.pair = pair
        if pair.expires_at - utcnow() < REFRESH_AHEAD:
            return await self.refresh(pair.version)
        return pair

    async def refresh(self, seen_version: int) -> TokenPair:
        """A pair newer than `seen_version`: spent here, or by whichever worker won."""
        async with self._lock:  # the process's own senders share one refresh
            latest = await asyncio.to_thread(zalo_tokens.current, self.engine, self.app_id)
            if latest is None:
                raise TokenError("no Zalo token pair")
            if latest.version > seen_version:
                self.pair = latest
                return latest
            spend = await asyncio.to_thread(
                zalo_tokens.claim_refresh, self.engine, self.app_id, seen_version, self.lease
            )
            if spend is None:
                return await self._wait_for(seen_version)
            return await self._spend(seen_version, spend)

    async def _spend(self, version: int, refresh_token: str) -> TokenPair:
        try:
            new = await self.api.refresh(self.app_id, self.app_secret, refresh_token)
        except (ZaloError, ZaloUnavailableError) as error:
            await self._failed(version, f"{type(error).__name__}: {error}")
            raise TokenError(str(error)) from error
        self.refreshes += 1
        expires = utcnow() + new.expires_in
        stored = await asyncio.to_thread(
            zalo_tokens.store_refreshed,
            self.engine,
            self.app_id,
            version,
            new.access,
            new.refresh,
            expires,
        )
        if not stored:  # the row moved on (a new seed): ours is the fresher pair still
            log.error("Zalo token row changed during a refresh; keeping the database's pair")
        self.pair = await asyncio.to_thread(zalo_tokens.current, self.engine, self.app_id)
        self.problem = None
        log.info("Zalo access token refreshed (version %d)", version + 1)
        assert self.pair is not None
        return self.pair

    async def _wait_for(self, version: int) -> TokenPair:
        """Another worker is spending the refresh token: wait for its result."""
        deadline = asyncio.get_running_loop().time() + self.lease.total_seconds() + 1.0
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(WAIT_STEP)
            latest = await asyncio.to_thread(zalo_tokens.current, self.engine, self.app_id)
            if latest is not None and latest.version > version:
                self.pair = latest
                return latest
            if latest is not None and latest.last_error and latest.last_error != self.problem:
                self.problem = latest.last_error
                raise TokenError(latest.last_error)
        raise TokenError("another worker's token refresh did not finish")

    async def _failed(self, version: int, reason: str) -> None:
        await asyncio.to_thread(
            zalo_tokens.record_failure, self.engine, self.app_id, version, reason
        )
        first = self.problem != reason
        self.problem = reason
        log.error("Zalo token refresh failed: %s", reason)
        if first and self.alert is not None:
            await self.alert(reason)

    async def keep_fresh_forever(self) -> None:
        """Refresh ahead of expiry, checking every minute (a background job)."""
        while True:
            try:
                await self.access()
            except TokenError:
                pass  # recorded and alerted where it happened
            except Exception:
                log.exception("Zalo token check failed")
            await asyncio.sleep(CHECK_EVERY)

    def status(self) -> dict[str, object]:
        """For /healthz: whether a token is usable, when it expires, the last failure."""
        pair = self.pair
        found: dict[str, object] = {
            "state": "error" if self.problem else ("ok" if pair else "missing"),
            "version": pair.version if pair else None,
            "expires_at": pair.expires_at.isoformat() if pair else None,
        }
        if self.problem:
            found["problem"] = self.problem
        return found
