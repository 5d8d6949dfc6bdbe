"""Follow-up questions: "tốn phí bao nhiêu?" right after an answer is about that answer's topic.

The last topic shown to each contact is stored in the database (`recent_topics`, one row per
contact, apart from the guided flows' `dialogue_states`) with the time it was shown, so it
survives restarts and works across workers. A question that asks about an aspect (fee, where,
online...) but names no subject of its own takes that topic while it is recent; the answer says
which topic it took.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow
from bot.sqlutil import upsert
from bot.turn import Topic, Turn
from knowledge.aspect import detector_for
from knowledge.matcher import Match, Matcher

DEFAULT_TTL = dt.timedelta(minutes=30)


class RecentTopic(Base):
    """The topic last answered for a contact, and when."""

    __tablename__ = "recent_topics"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    intent: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# The rows are written with Core statements (one round trip each, no unit of work) and never
# loaded into the session: what the database holds is kept on the turn (`Turn.topic`).


def remember(turn: Turn, intent: str) -> None:
    """Note that `intent` was just shown to the contact (in the turn's transaction)."""
    now = utcnow()
    values = {"contact_id": turn.contact.id, "intent": intent, "answered_at": now}
    upsert(turn.session, RecentTopic, values, ["contact_id"])
    turn.topic, turn.topic_known = Topic(intent, now), True


VARIANT_MARK = "#"  # a variant shown is remembered as "<entry id>#<variant id>"


def variant_topic(intent: str, variant: str) -> str:
    """The topic stored for a variant's answer: a follow-up answers from the variant, never
    from its entry's general answer (a foreign marriage's fee is not the domestic one)."""
    return f"{intent}{VARIANT_MARK}{variant}"


def split_topic(topic: str) -> tuple[str, str | None]:
    """(entry id, variant id or None) of a stored topic."""
    intent, mark, variant = topic.partition(VARIANT_MARK)
    return intent, (variant if mark else None)


def forget(turn: Turn) -> None:
    """Drop the recent topic: the last reply was not an answer (a suggestion or a decline),
    so a follow-up has nothing to refer to."""
    if turn.topic_known and turn.topic is None:
        return
    turn.session.connection().execute(
        delete(RecentTopic).where(RecentTopic.contact_id == turn.contact.id)
    )
    turn.topic, turn.topic_known = None, True


def recall(turn: Turn, ttl: dt.timedelta) -> str | None:
    """The topic shown to the contact within `ttl`, if it is still in the knowledge base."""
    if not turn.topic_known:
        row = (
            turn.session.connection()
            .execute(
                select(RecentTopic.intent, RecentTopic.answered_at).where(
                    RecentTopic.contact_id == turn.contact.id
                )
            )
            .first()
        )
        turn.topic, turn.topic_known = (Topic(row[0], row[1]) if row else None), True
    topic = turn.topic
    if topic is None or topic.answered_at < utcnow() - ttl:
        return None
    intent, variant = split_topic(topic.intent)
    entry = turn.kb.entries.get(intent)
    if entry is None or (variant is not None and all(v.id != variant for v in entry.variants)):
        return None  # gone from the knowledge base since (a reload)
    return topic.intent


def has_subject(matcher: Matcher, text: str, lang: str = "vi") -> bool:
    """Does the question name what it is about, beyond aspect cues and filler words?

    Deliberately cautious: any word left that is not a cue, filler or stopword counts as a
    subject, so "lệ phí thủy sản" is matched (and declined) on its own, never taken as a
    follow-up. (One place to switch to the matcher's own subject recognition later.)
    """
    left = detector_for(matcher.normaliser).remainder(text, lang)
    return any(word not in matcher.kb.lexicon.stopwords for word in left)


def asks_only(matcher: Matcher, match: Match) -> bool:
    """Does the question ask about an aspect without naming its own subject ("làm ở đâu?")?"""
    return match.aspect is not None and not has_subject(matcher, match.query, match.lang)
