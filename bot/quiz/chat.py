"""The contest in the chat: `/thi`, the menu row and the `thi:` buttons, on every channel.

Buttons carry the attempt id and the question's position, so a button pressed twice, or one
from an earlier question, is recognised and never counted twice. Only the prediction (typed
text) uses the dialogue state.
"""

from __future__ import annotations

import datetime as dt
import re

from bot import menu
from bot.callbacks import fields, number, record_id
from bot.messages import Button, Reply
from bot.models import DialogueState, utcnow
from bot.quiz import attempts, render
from bot.quiz.models import PREDICTING, QuizAttempt
from bot.quiz.texts import office, say
from bot.turn import Handler, Turn
from knowledge.contests import Contest
from knowledge.schema import KnowledgeBase

ACTION = menu.QUIZ
FLOW = "quiz"
PREDICTION_TTL = dt.timedelta(days=1)
MAX_PREDICTION = 10_000_000
_NUMBER = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+")  # 1200, 1.200, 1,200


def open_contests(kb: KnowledgeBase) -> list[Contest]:
    """Contests open now, those closing first first."""
    now = utcnow()
    return sorted((c for c in kb.contests.values() if c.is_open(now)), key=lambda c: c.closes)


def private_only(handler: Handler) -> Handler:
    """`handler` in a private chat; in a group, a request to continue privately (a group's
    members would press each other's answers, and typed text there rarely reaches the bot)."""

    def guarded(turn: Turn, arg: str, /) -> list[Reply]:
        if turn.inbound.group is not None:
            return [Reply(say(turn.kb, "private_only", turn.lang))]
        return handler(turn, arg)

    return guarded


def command(turn: Turn, _arg: str) -> list[Reply]:
    """`/thi`: the open contests (the one open contest's rules directly)."""
    contests = open_contests(turn.kb)
    if not contests:
        return [Reply(say(turn.kb, "none_open", turn.lang), (menu.home_row(turn.kb, turn.lang),))]
    if len(contests) == 1:
        return _intro(turn, contests[0])
    rows = tuple(
        (Button(f"🏆 {render.in_lang(c.title, turn.lang)}", f"{ACTION}:open:{c.id}"),)
        for c in contests
    )
    return [Reply(say(turn.kb, "list", turn.lang), (*rows, menu.home_row(turn.kb, turn.lang)))]


def on_action(turn: Turn, arg: str) -> list[Reply]:
    """`thi:list`, `thi:open:<contest>`, `thi:go:<contest>:<area>`, `thi:ans:<attempt>:<pos>:<n>`
    or `thi:skip:<attempt>`."""
    verb, _, rest = arg.partition(":")
    if verb == "list":
        return command(turn, "")
    if verb in ("open", "go"):
        contest_id, _, area = rest.partition(":")
        contest = turn.kb.contests.get(contest_id)
        if contest is None:
            return [menu.main_menu(turn.kb, turn.lang, say(turn.kb, "unknown", turn.lang))]
        return _intro(turn, contest) if verb == "open" else _go(turn, contest, area)
    if verb == "ans" and (parts := fields(rest, 3)) is not None:
        attempt_id, position = record_id(parts[0]), number(parts[1], 0, 99)
        option = number(parts[2], 0, 9)
        if attempt_id is not None and position is not None and option is not None:
            return _answer(turn, attempt_id, position, option)
    if verb == "skip" and (attempt_id := record_id(rest)) is not None:
        return _predicted(turn, attempt_id, None)
    return [menu.main_menu(turn.kb, turn.lang, say(turn.kb, "unknown", turn.lang))]


class PredictionFlow:
    """The typed prediction of how many people take part (the second tie-break)."""

    name = FLOW

    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        if turn.inbound.group is not None:
            return None  # the prediction is typed in the private chat
        attempt_id = int(state.data.get("attempt", 0))
        found = _NUMBER.findall(turn.inbound.text)  # "khoảng 1.200 người": one number
        value = int(re.sub(r"\D", "", found[0])) if len(found) == 1 else None
        if value is None or value > MAX_PREDICTION:
            retry = say(turn.kb, "prediction.retry", turn.lang)
            return [Reply(retry, (render.skip_row(turn, attempt_id),))]
        return _predicted(turn, attempt_id, value)


# -- steps -------------------------------------------------------------------------------------
def _intro(turn: Turn, contest: Contest) -> list[Reply]:
    kb, lang = turn.kb, turn.lang
    if not contest.is_open(utcnow()):
        return [render.closed(turn, contest)]
    if (late := attempts.ran_out(turn.session, contest, turn.contact.id)) is not None:
        return _after_questions(turn, contest, late, _late_notice(turn, contest, "ran_out"))
    used = attempts.used(turn.session, contest, turn.contact.id)
    text = say(
        kb,
        "intro",
        lang,
        title=render.in_lang(contest.title, lang),
        rules=render.in_lang(contest.rules, lang),
        opens=office(contest.opens),
        closes=office(contest.closes),
        count=str(contest.per_attempt),
        minutes=str(int(contest.time_limit.total_seconds() // 60)),
        used=str(used),
        allowed=str(contest.attempts_allowed),
    )
    if attempts.unfinished(turn.session, contest, turn.contact.id) is not None:
        go = Button(say(kb, "btn.continue", lang), f"{ACTION}:go:{contest.id}:-")
        return [Reply(text, ((go,), menu.home_row(kb, lang)))]
    if used >= contest.attempts_allowed:
        notice = say(kb, "no_attempts", lang, allowed=str(contest.attempts_allowed))
        return [Reply(f"{text}\n\n{notice}", (menu.home_row(kb, lang),))]
    areas = render.items_in(contest.areas, lang)
    if not areas:
        start = Button(say(kb, "btn.start", lang), f"{ACTION}:go:{contest.id}:-")
        return [Reply(text, ((start,), menu.home_row(kb, lang)))]
    rows = [(Button(a, f"{ACTION}:go:{contest.id}:{i}"),) for i, a in enumerate(areas)]
    rows.append((Button(say(kb, "btn.skip", lang), f"{ACTION}:go:{contest.id}:-"),))
    return [Reply(f"{text}\n\n{say(kb, 'area', lang)}", tuple(rows))]


def _go(turn: Turn, contest: Contest, area_ref: str) -> list[Reply]:
    """Start an attempt (or carry on with the one in progress)."""
    if not contest.is_open(utcnow()):
        return [render.closed(turn, contest)]
    attempt = attempts.unfinished(turn.session, contest, turn.contact.id)
    if attempt is not None:
        return [render.question(turn, contest, attempt, say(turn.kb, "resume", turn.lang))]
    areas = contest.areas.get("vi", [])  # stored in Vietnamese, whatever the chat's language
    index = number(area_ref, 0, len(areas) - 1) if areas else None
    attempt = attempts.start(
        turn.session, contest, turn.contact.id, areas[index] if index is not None else None
    )
    if attempt is None:
        notice = say(turn.kb, "no_attempts", turn.lang, allowed=str(contest.attempts_allowed))
        return [Reply(notice, (menu.home_row(turn.kb, turn.lang),))]
    return [render.question(turn, contest, attempt)]


def _answer(turn: Turn, attempt_id: int, position: int, option: int) -> list[Reply]:
    attempt = attempts.locked(turn.session, attempt_id)
    contest = turn.kb.contests.get(attempt.contest_id) if attempt else None
    if attempt is None or contest is None or attempt.contact_id != turn.contact.id:
        return [menu.main_menu(turn.kb, turn.lang, say(turn.kb, "unknown", turn.lang))]
    outcome = attempts.answer(turn.session, contest, attempt, position, option)
    if outcome.kind == "next":
        return [render.question(turn, contest, attempt)]
    if outcome.kind == "stale":
        return [render.question(turn, contest, attempt, say(turn.kb, "stale", turn.lang))]
    if outcome.kind == "over":
        return [Reply(say(turn.kb, "over", turn.lang), (menu.home_row(turn.kb, turn.lang),))]
    notice = _late_notice(turn, contest) if outcome.kind == "late" else None
    return _after_questions(turn, contest, attempt, notice)


def _late_notice(turn: Turn, contest: Contest, key: str = "late") -> str:
    minutes = str(int(contest.time_limit.total_seconds() // 60))
    return say(turn.kb, key, turn.lang, minutes=minutes)


def _after_questions(
    turn: Turn, contest: Contest, attempt: QuizAttempt, notice: str | None
) -> list[Reply]:
    """The prediction question when the contest has one, else the result."""
    replies = [Reply(notice)] if notice else []
    if attempt.status == PREDICTING:
        turn.set_state(FLOW, "prediction", {"attempt": attempt.id}, PREDICTION_TTL)
        ask = render.in_lang(contest.prediction, turn.lang)
        return [*replies, Reply(ask, (render.skip_row(turn, attempt.id),))]
    return [*replies, *render.result(turn, contest, attempt)]


def _predicted(turn: Turn, attempt_id: int, value: int | None) -> list[Reply]:
    attempt = attempts.locked(turn.session, attempt_id)
    contest = turn.kb.contests.get(attempt.contest_id) if attempt else None
    if attempt is None or contest is None or attempt.contact_id != turn.contact.id:
        turn.clear_state()
        return [menu.main_menu(turn.kb, turn.lang, say(turn.kb, "unknown", turn.lang))]
    if not attempts.predict(turn.session, attempt, value):
        turn.clear_state()
        return [Reply(say(turn.kb, "over", turn.lang), (menu.home_row(turn.kb, turn.lang),))]
    turn.clear_state()
    saved = [Reply(say(turn.kb, "prediction.saved", turn.lang, value=str(value)))] if value else []
    return [*saved, *render.result(turn, contest, attempt)]
