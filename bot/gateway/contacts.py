"""Remember that a citizen blocked (or unblocked) the bot, so nobody keeps writing to them."""

from __future__ import annotations

from sqlalchemy import Engine, update

from bot.models import Contact


def mark_blocked(engine: Engine, channel: str, external_id: str, blocked: bool = True) -> bool:
    """Set `Contact.blocked` in its own transaction; False when no such contact exists."""
    with engine.begin() as connection:
        result = connection.execute(
            update(Contact)
            .where(Contact.channel == channel, Contact.external_id == external_id)
            .values(blocked=blocked)
        )
        return result.rowcount > 0
