"""The conversation shown on the page: what the citizen sent and every bot message, in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from bot.messages import Reply
from bot.models import utcnow
from bot.webchat.models import WebMessage

CITIZEN, BOT = "citizen", "bot"
PAGE = 200  # messages given back at most per request


def _buttons(reply: Reply) -> list[Any]:
    return [[{"label": b.label, "payload": b.payload} for b in row] for row in reply.buttons]


def add_exchange(engine: Engine, sid: str, said: str, replies: list[Reply], inbox_id: str) -> bool:
    """Keep what the citizen sent (`said`; a pressed button as its label, if any) and the
    bot's replies to it, in one transaction; False when kept before (a resend after a crash)."""
    with engine.begin() as connection:
        seen = connection.execute(
            select(WebMessage.id)
            .where(WebMessage.session_id == sid, WebMessage.reply_to == inbox_id)
            .limit(1)
        ).first()
        if seen is not None:
            return False
        rows = [_row(sid, CITIZEN, Reply(said), inbox_id)] if said else []
        rows += [_row(sid, BOT, reply, inbox_id) for reply in replies]
        if rows:
            connection.execute(insert(WebMessage), rows)
    return True


def add_replies(engine: Engine, sid: str, replies: list[Reply]) -> None:
    """Keep messages nobody waits for (staff answers, status changes) for the page."""
    if replies:
        with engine.begin() as connection:
            rows = [_row(sid, BOT, reply, None) for reply in replies]
            connection.execute(insert(WebMessage), rows)


def _row(sid: str, role: str, reply: Reply, reply_to: str | None) -> dict[str, Any]:
    return {
        "session_id": sid,
        "role": role,
        "text": reply.text,
        "buttons": _buttons(reply),
        "reply_to": reply_to,
        "created_at": utcnow(),
    }


def _shown(row: WebMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "role": row.role,
        "text": row.text,
        "buttons": [button for line in row.buttons for button in line],
        "rows": row.buttons,
        "at": row.created_at.isoformat(),
    }


def since(engine: Engine, sid: str, after: int = 0) -> list[dict[str, Any]]:
    """The session's messages after id `after`, oldest first (the latest `PAGE` of them)."""
    query = (
        select(WebMessage)
        .where(WebMessage.session_id == sid, WebMessage.id > after)
        .order_by(WebMessage.id.desc())
        .limit(PAGE)
    )
    with Session(engine) as session:
        return [_shown(row) for row in reversed(list(session.scalars(query)))]


def exchange(engine: Engine, sid: str, inbox_id: str) -> list[dict[str, Any]]:
    """The rows of one citizen message: the citizen's own, then the bot's answers."""
    query = (
        select(WebMessage)
        .where(WebMessage.session_id == sid, WebMessage.reply_to == inbox_id)
        .order_by(WebMessage.id)
    )
    with Session(engine) as session:
        return [_shown(row) for row in session.scalars(query)]
