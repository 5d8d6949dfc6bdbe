"""The token pair: refreshed on an expired token and ahead of expiry, rotated, stored, spent
once even by concurrent refreshers, and a failed refresh alerts staff and shows in /healthz."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from sqlalchemy import update

from bot import zalo_tokens
from bot.gateway.alerts import StaffAlerts
from bot.models import utcnow
from bot.runtime import Services
from bot.zalo_tokens import ZaloToken
from handlers.zalo.api import ZaloApi
from handlers.zalo.tokens import TokenError, TokenKeeper
from tests.feedback.chat import RecordingSender
from tests.zalo.fake_zalo import APP_ID, APP_SECRET, FakeZalo
from tests.zalo.harness import ZaloUnderTest, serve_zalo, text_event

USER = "1357924680"


async def test_expired_access_token_is_refreshed_and_the_text_sent_once(
    zalo: ZaloUnderTest,
) -> None:
    first = zalo.channel.tokens.pair
    assert first is not None
    zalo.fake.expire_access_tokens()
    replies = await zalo.deliver_text(USER, "xin chào")
    assert replies, "the reply was not sent after refreshing"
    assert len(zalo.fake.spent) == 1
    stored = zalo_tokens.current(zalo.services.engine, APP_ID)
    assert stored is not None
    assert stored.version == first.version + 1
    assert stored.refresh != first.refresh  # rotated: the new refresh token is kept
    assert stored.expires_at - utcnow() > dt.timedelta(hours=24)
    # the next message uses the new token without another refresh
    await zalo.deliver_text(USER, "cảm ơn")
    assert len(zalo.fake.spent) == 1


async def test_refresh_ahead_of_expiry_and_restart_keeps_the_rotated_pair(
    services: Services, fake_zalo: FakeZalo
) -> None:
    async with serve_zalo(services, fake_zalo) as zalo:
        seeded = zalo.services.settings
        with zalo.services.sessions.begin() as session:
            session.execute(
                update(ZaloToken).values(expires_at=utcnow() + dt.timedelta(minutes=30))
            )
        zalo.channel.tokens.pair = None  # read the row again, as after a restart
        pair = await zalo.channel.tokens.access()  # what the minute's check does
        assert pair.version == 2
        assert len(fake_zalo.spent) == 1
    # a restart with the same environment pair keeps the rotated one (the seed is spent)
    async with serve_zalo(services, fake_zalo, **dict(seeded)) as again:
        await again.channel.tokens.access()
        assert again.channel.tokens.pair is not None
        assert again.channel.tokens.pair.version == 2
        assert await again.deliver_text(USER, "xin chào")
        assert len(fake_zalo.spent) == 1


async def test_a_new_pair_in_the_environment_replaces_the_stored_one(
    services: Services, fake_zalo: FakeZalo
) -> None:
    async with serve_zalo(services, fake_zalo) as zalo:
        assert zalo.channel.tokens.pair is not None
        assert zalo.channel.tokens.pair.version == 1
    async with serve_zalo(services, fake_zalo) as zalo:  # a new authorisation: a new pair
        assert zalo.channel.tokens.pair is not None
        assert zalo.channel.tokens.pair.version == 2


async def test_concurrent_refreshers_spend_the_refresh_token_once(
    services: Services,
) -> None:
    """Four keepers (as four workers would) see the same expired version at once."""
    with FakeZalo(refresh_delay=0.3) as fake:
        access, refresh = fake.issue()
        engine = services.engine
        zalo_tokens.seed(engine, APP_ID, access, refresh, dt.timedelta(hours=24))
        apis = [ZaloApi(fake.url, fake.url) for _ in range(4)]
        keepers = [TokenKeeper(engine, api, APP_ID, APP_SECRET) for api in apis]
        try:
            pairs = await asyncio.gather(*(k.refresh(1) for k in keepers))
        finally:
            for api in apis:
                await api.close()
        assert fake.spent == [refresh]
        assert fake.refused_refreshes == []
        assert {p.version for p in pairs} == {2}
        assert len({p.access for p in pairs}) == 1
        assert sum(k.refreshes for k in keepers) == 1


async def test_failed_refresh_alerts_staff_and_shows_in_healthz(
    services: Services, fake_zalo: FakeZalo
) -> None:
    async with serve_zalo(services, fake_zalo) as zalo:
        staff = RecordingSender("telegram")
        zalo.gateway.alerts = StaffAlerts(staff, "-100")
        fake_zalo.refresh_tokens.clear()  # the refresh token was spent elsewhere
        fake_zalo.expire_access_tokens()
        assert (await zalo.post(text_event(USER, "xin chào"))).status_code == 200
        await zalo.eventually(lambda: bool(staff.to("-100")))
        [alert] = staff.to("-100")
        assert "Zalo" in alert.text
        assert fake_zalo.refresh_tokens == set()
        async with httpx.AsyncClient() as client:
            body = (await client.get(zalo.url + "/healthz")).json()
        state = body["channels"]["zalo"]
        assert state["state"] == "error"
        assert "-14014" in state["tokens"]["problem"]
        assert body["status"] == "degraded"
        with pytest.raises(TokenError):
            await zalo.channel.tokens.refresh(1)
        assert len(staff.to("-100")) == 1  # the same failure is told once
