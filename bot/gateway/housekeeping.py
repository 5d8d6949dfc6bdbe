"""Periodic cleanup of the front door's tables: finished inbox rows, old update ids."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

from sqlalchemy import Engine, delete

from bot.gateway import inbox
from bot.models import ProcessedUpdate, utcnow
from bot.shared.jobs import claim_alone

if TYPE_CHECKING:
    from bot.gateway.front import Gateway

log = logging.getLogger(__name__)
KEEP = dt.timedelta(days=2)  # platforms give up redelivering an update long before this
EVERY = 6 * 3600.0  # seconds between cleanups
JOB = "prune-front-door"


def prune_processed(engine: Engine, keep: dt.timedelta = KEEP) -> int:
    """Forget processed update ids older than `keep`; returns how many rows went."""
    with engine.begin() as connection:
        result = connection.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.created_at < utcnow() - keep)
        )
        return result.rowcount


async def prune_forever(gateway: Gateway) -> None:
    """Every few hours: drop finished inbox rows and old update ids (one worker per period)."""
    while True:
        engine = gateway.services.engine
        period = f"{int(utcnow().timestamp() // EVERY)}"
        mine = await gateway.run_sync(claim_alone, gateway.services.sessions, JOB, period)
        if mine:
            removed = await gateway.run_sync(inbox.prune, engine, KEEP)
            removed += await gateway.run_sync(prune_processed, engine, KEEP)
            if removed:
                log.info("housekeeping removed %d old rows", removed)
        await asyncio.sleep(EVERY)
