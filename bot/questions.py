"""Free-text questions: match, log, and reply with an answer, suggestions or a decline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Protocol

from bot import followup, variant_text, variants
from bot.answers import decline_text
from bot.callbacks import record_id
from bot.menu import DETAIL, ENTRY, FORWARD, MENU, NONE_OF_THESE, entry_reply, payload
from bot.messages import Button, Reply
from bot.models import AnswerRating, DialogueState, MessageLog, UnansweredQuestion, utcnow
from bot.render import say, title
from bot.sqlutil import insert_returning_id
from bot.turn import Turn
from knowledge.matcher import Match, Matcher

RATING_FLOW = "rating_comment"
RATING_TTL = dt.timedelta(minutes=15)


class Logged(Protocol):
    """A logged question: what the buttons refer to (a `MessageLog` row, or just its id)."""

    @property
    def id(self) -> int: ...


@dataclass(frozen=True)
class LoggedQuestion:
    """A question just logged (its row is not loaded into the session)."""

    id: int


def log_question(turn: Turn, match: Match) -> LoggedQuestion:
    """Record the question and what the matcher decided."""
    values = {
        "contact_id": turn.contact.id,
        "text": match.query[:4000],
        "lang": match.lang,
        "intent": match.intent if match.band != "decline" else None,
        "score": match.score,
        "band": match.band,
    }
    # Append-only: an INSERT … RETURNING id, not an ORM object flushed by the unit of work.
    return LoggedQuestion(insert_returning_id(turn.session, MessageLog, values))


def answer_question(
    turn: Turn, matcher: Matcher, followup_ttl: dt.timedelta = followup.DEFAULT_TTL
) -> list[Reply]:
    """Match the typed text and reply (a subject-less follow-up takes the recent topic)."""
    match = matcher.match(turn.inbound.text)
    aspect_only = followup.asks_only(matcher, match)
    topic = followup.recall(turn, followup_ttl) if aspect_only else None
    if topic is not None:
        return [answer_follow_up(turn, match, topic)]
    logged = log_question(turn, match)
    kb, lang = turn.kb, turn.lang
    if match.band == "decline" and aspect_only and match.aspect:
        return [which_topic(turn, match.aspect)]
    if match.band == "answer" and match.intent and match.variant:
        entry = kb.entries[match.intent]
        variant = variant_text.find(entry, match.variant)
        if variant is not None:
            # "lệ phí bao nhiêu?" next must not get the general entry's fee (a foreign marriage
            # is not the domestic one): the follow-up answers from the variant itself.
            followup.remember(turn, followup.variant_topic(entry.id, variant.id))
            return [variants.variant_reply(kb, entry, variant, lang)]
    if match.band == "answer" and match.intent:
        followup.remember(turn, match.intent)
        entry = kb.entries[match.intent]
        return [entry_reply(kb, entry, lang, str(logged.id), match.aspect)]
    followup.forget(turn)  # a new subject not answered: the older topic no longer applies
    if match.band == "suggest":
        rows = [
            (Button(title(kb.entries[i], lang), choice(i, match, logged)),)
            for i in match.suggestions
        ]
        rows.append((Button(say(kb, "suggest.none", lang), payload(NONE_OF_THESE, logged.id)),))
        return [Reply(say(kb, "suggest", lang), tuple(rows))]
    return [decline(turn, match, logged)]


def which_topic(turn: Turn, aspect: str) -> Reply:
    """An aspect question with no topic and none recent: ask which procedure (not a gap)."""
    kb, lang = turn.kb, turn.lang
    what = say(kb, f"aspect.name.{aspect}", lang)
    return Reply(
        say(kb, "followup.which", lang, what=what),
        ((Button(say(kb, "menu", lang), payload(MENU)),),),
    )


def choice(intent: str, match: Match, logged: Logged) -> str:
    """A suggestion's payload: the asked aspect of that topic first, when there is one."""
    if match.aspect:
        return payload(DETAIL, intent, match.aspect, logged.id)
    return payload(ENTRY, intent)


def answer_follow_up(turn: Turn, match: Match, topic: str) -> Reply:
    """Answer the asked aspect of the recent topic, saying which topic was taken."""
    kb, lang = turn.kb, turn.lang
    intent, variant_id = followup.split_topic(topic)
    if variant_id is not None:
        return answer_variant_follow_up(turn, match, intent, variant_id)
    entry = kb.entries[topic]
    logged = log_question(turn, replace(match, band="answer", intent=topic))
    followup.remember(turn, topic)
    kind = "followup.topic" if entry.procedure is not None else "followup.topic.info"
    heading = say(kb, kind, lang, title=title(entry, lang))
    reply = entry_reply(kb, entry, lang, str(logged.id), match.aspect, heading)
    hint = say(kb, "followup.hint", lang)
    return Reply(f"{reply.text}\n\n{hint}", reply.buttons, {**reply.meta, "followup": topic})


def answer_variant_follow_up(turn: Turn, match: Match, intent: str, variant_id: str) -> Reply:
    """A follow-up after a variant's answer: the variant's own short answer again, under a
    line saying which case was taken, never the entry's general answer."""
    kb, lang = turn.kb, turn.lang
    entry = kb.entries[intent]
    variant = variant_text.find(entry, variant_id)
    assert variant is not None  # followup.recall checked it
    log_question(turn, replace(match, band="answer", intent=intent, variant=variant_id))
    followup.remember(turn, followup.variant_topic(intent, variant_id))
    heading = say(kb, "followup.variant", lang)
    reply = variants.variant_reply(kb, entry, variant, lang)
    hint = say(kb, "followup.hint", lang)
    text = f"{heading}\n\n{reply.text}\n\n{hint}"
    return Reply(text, reply.buttons, {**reply.meta, "followup": intent})


def decline(turn: Turn, match: Match, logged: Logged) -> Reply:
    """Polite decline: hotline, and a button to forward the question to staff."""
    kb, lang = turn.kb, turn.lang
    text = decline_text(kb, match, turn.lang)
    if not match.query.strip():
        return Reply(text, ((Button(say(kb, "menu", lang), payload(MENU)),),))
    question = UnansweredQuestion(
        contact_id=turn.contact.id,
        message_id=logged.id,
        text=match.query[:4000],
        lang=match.lang,
        score=match.score,
    )
    turn.session.add(question)
    turn.session.flush()
    rows = (
        (Button(say(kb, "forward", lang), payload(FORWARD, question.id)),),
        (Button(say(kb, "menu", lang), payload(MENU)),),
    )
    return Reply(text, rows, {"unanswered_id": str(question.id)})


def none_of_these(turn: Turn, arg: str) -> list[Reply]:
    """The citizen rejected every suggestion: decline the logged question."""
    logged_id = record_id(arg)
    logged = turn.session.get(MessageLog, logged_id) if logged_id else None
    if logged is None or logged.contact_id != turn.contact.id:
        return [Reply(say(turn.kb, "forward.nothing", turn.lang))]
    logged.band = "decline"
    match = Match(logged.text, logged.lang, "decline", None, logged.score)
    return [decline(turn, match, logged)]


def forward(turn: Turn, arg: str) -> list[Reply]:
    """The citizen agreed to send an unanswered question to staff."""
    question_id = record_id(arg)
    question = turn.session.get(UnansweredQuestion, question_id) if question_id else None
    if question is None or question.contact_id != turn.contact.id:
        return [Reply(say(turn.kb, "forward.nothing", turn.lang))]
    if not question.forwarded:
        question.forwarded, question.forwarded_at = True, utcnow()
    return [Reply(say(turn.kb, "forwarded", turn.lang))]


def rate(turn: Turn, arg: str) -> list[Reply]:
    """👍/👎 on an answer; 👎 invites an optional comment (next message)."""
    intent, _, rest = arg.partition(":")
    ref, _, verdict = rest.partition(":")
    if intent not in turn.kb.entries or verdict not in ("up", "down"):
        return []
    message_id = record_id(ref)
    message = turn.session.get(MessageLog, message_id) if message_id else None
    if message is not None and message.contact_id != turn.contact.id:
        message = None
    rating = AnswerRating(
        contact_id=turn.contact.id,
        message_id=message.id if message else None,
        intent=intent,
        useful=verdict == "up",
    )
    turn.session.add(rating)
    turn.session.flush()
    if verdict == "up":
        return [Reply(say(turn.kb, "rated.up", turn.lang))]
    if turn.state() is None:  # never replace a flow in progress (e.g. a feedback draft)
        turn.set_state(RATING_FLOW, "comment", {"rating_id": rating.id}, RATING_TTL)
    return [Reply(say(turn.kb, "rated.down", turn.lang))]


class RatingCommentFlow:
    """After 👎, the next typed message is kept as the comment on what was missing."""

    name = RATING_FLOW

    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        text = turn.inbound.text.strip()
        if not text:
            return None
        turn.clear_state()
        rating = turn.session.get(AnswerRating, int(state.data.get("rating_id", 0)))
        if rating is None:
            return None
        rating.comment = text[:4000]
        return [Reply(say(turn.kb, "rated.comment", turn.lang))]
