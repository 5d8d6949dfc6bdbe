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
from bot.quiz import attempts
from bot.quiz.models import PREDICTING, QuizAttempt
from bot.quiz.texts import duration, office, say
from bot.render import answer_language
from bot.turn import Handler, Turn
from knowledge.contests import Contest, Question
from knowledge.schema import KnowledgeBase, Text, TextList, pick

ACTION = menu.QUIZ
FLOW = "quiz"
PREDICTION_TTL = dt.timedelta(days=1)
MAX_PREDICTION = 10_000_000
LETTERS = "ABCD"  # knowledge.contests allows at most four options
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
        (Button(f"🏆 {_text(c.title, turn.lang)}", f"{ACTION}:open:{c.id}"),) for c in contests
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
            return [Reply(retry, (_skip_row(turn, attempt_id),))]
        return _predicted(turn, attempt_id, value)


# -- steps -------------------------------------------------------------------------------------
def _intro(turn: Turn, contest: Contest) -> list[Reply]:
    kb, lang = turn.kb, turn.lang
    if not contest.is_open(utcnow()):
        return [_closed(turn, contest)]
    if (late := attempts.ran_out(turn.session, contest, turn.contact.id)) is not None:
        return _after_questions(turn, contest, late, _late_notice(turn, contest, "ran_out"))
    used = attempts.used(turn.session, contest, turn.contact.id)
    text = say(
        kb,
        "intro",
        lang,
        title=_text(contest.title, lang),
        rules=_text(contest.rules, lang),
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
    areas = _list(contest.areas, lang)
    if not areas:
        start = Button(say(kb, "btn.start", lang), f"{ACTION}:go:{contest.id}:-")
        return [Reply(text, ((start,), menu.home_row(kb, lang)))]
    rows = [(Button(a, f"{ACTION}:go:{contest.id}:{i}"),) for i, a in enumerate(areas)]
    rows.append((Button(say(kb, "btn.skip", lang), f"{ACTION}:go:{contest.id}:-"),))
    return [Reply(f"{text}\n\n{say(kb, 'area', lang)}", tuple(rows))]


def _go(turn: Turn, contest: Contest, area_ref: str) -> list[Reply]:
    """Start an attempt (or carry on with the one in progress)."""
    if not contest.is_open(utcnow()):
        return [_closed(turn, contest)]
    attempt = attempts.unfinished(turn.session, contest, turn.contact.id)
    if attempt is not None:
        return [_question(turn, contest, attempt, say(turn.kb, "resume", turn.lang))]
    areas = contest.areas.get("vi", [])  # stored in Vietnamese, whatever the chat's language
    index = number(area_ref, 0, len(areas) - 1) if areas else None
    attempt = attempts.start(
        turn.session, contest, turn.contact.id, areas[index] if index is not None else None
    )
    if attempt is None:
        notice = say(turn.kb, "no_attempts", turn.lang, allowed=str(contest.attempts_allowed))
        return [Reply(notice, (menu.home_row(turn.kb, turn.lang),))]
    return [_question(turn, contest, attempt)]


def _answer(turn: Turn, attempt_id: int, position: int, option: int) -> list[Reply]:
    attempt = attempts.locked(turn.session, attempt_id)
    contest = turn.kb.contests.get(attempt.contest_id) if attempt else None
    if attempt is None or contest is None or attempt.contact_id != turn.contact.id:
        return [menu.main_menu(turn.kb, turn.lang, say(turn.kb, "unknown", turn.lang))]
    outcome = attempts.answer(turn.session, contest, attempt, position, option)
    if outcome.kind == "next":
        return [_question(turn, contest, attempt)]
    if outcome.kind == "stale":
        return [_question(turn, contest, attempt, say(turn.kb, "stale", turn.lang))]
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
        ask = _text(contest.prediction, turn.lang)
        return [*replies, Reply(ask, (_skip_row(turn, attempt.id),))]
    return [*replies, *_result(turn, contest, attempt)]


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
    return [*saved, *_result(turn, contest, attempt)]


# -- rendering ---------------------------------------------------------------------------------
def _question(
    turn: Turn, contest: Contest, attempt: QuizAttempt, notice: str | None = None
) -> Reply:
    question = attempts.current(contest, attempt)
    if question is None:  # the pool changed under a running attempt: end it kindly
        return Reply(say(turn.kb, "over", turn.lang), (menu.home_row(turn.kb, turn.lang),))
    position = len(attempt.answers)
    left = duration(turn.kb, attempts.remaining(attempt).total_seconds(), turn.lang)
    options = _list(question.options, turn.lang)
    # The options are written out and the buttons carry their letters: a long option would be
    # cut short on a phone's button, and a letter reads the same as a numbered choice on Zalo.
    listed = "\n".join(f"{LETTERS[i]}. {option}" for i, option in enumerate(options))
    text = say(
        turn.kb,
        "question",
        turn.lang,
        n=str(position + 1),
        total=str(len(attempt.question_ids)),
        left=left,
        text=_text(question.text, turn.lang),
    )
    row = tuple(
        Button(LETTERS[index], f"{ACTION}:ans:{attempt.id}:{position}:{index}")
        for index in range(len(options))
    )
    body = f"{text}\n{listed}"
    return Reply(f"{notice}\n\n{body}" if notice else body, (row,))


def _result(turn: Turn, contest: Contest, attempt: QuizAttempt) -> list[Reply]:
    kb, lang = turn.kb, turn.lang
    score = say(
        kb,
        "result",
        lang,
        number=str(attempt.number),
        correct=str(attempt.correct),
        total=str(len(attempt.question_ids)),
        time=duration(kb, attempt.seconds or 0, lang),
    )
    lines = [say(kb, "review", lang)]
    for n, question_id in enumerate(attempt.question_ids):
        question = contest.question(str(question_id))
        if question is None:
            continue
        given = attempt.answers[n] if n < len(attempt.answers) else None
        lines.append(_review_line(kb, question, n + 1, given, lang))
    left = contest.attempts_allowed - attempts.used(turn.session, contest, turn.contact.id)
    rows: list[tuple[Button, ...]] = []
    if left > 0 and contest.is_open(utcnow()):
        closing = say(kb, "left", lang, left=str(left))
        rows.append((Button(say(kb, "btn.again", lang), f"{ACTION}:open:{contest.id}"),))
    else:
        closing = say(kb, "left.none", lang)
    rows.append(menu.home_row(kb, lang))
    return [Reply(score), Reply("\n\n".join([*lines, closing]), tuple(rows))]


def _review_line(
    kb: KnowledgeBase, question: Question, n: int, given: int | None, lang: str
) -> str:
    options = _list(question.options, lang)
    mark = "✅" if given == question.answer else ("❌" if given is not None else "⏭️")
    return say(
        kb,
        "line",
        lang,
        n=str(n),
        mark=mark,
        text=_text(question.text, lang),
        answer=f"{LETTERS[question.answer]}. {options[question.answer]}",
        explanation=_text(question.explanation, lang),
        source=source_name(kb, question, lang),
    )


def source_name(kb: KnowledgeBase, question: Question, lang: str) -> str:
    """The legal text, or the knowledge-base entry's own source (else its title)."""
    if question.law:
        return question.law
    entry = kb.entries.get(question.entry or "")
    if entry is None:
        return question.entry or ""
    if entry.source is not None:
        return entry.source.name
    return say(kb, "kb_entry", lang, title=_text(entry.title, lang))


def _closed(turn: Turn, contest: Contest) -> Reply:
    text = say(
        turn.kb,
        "closed",
        turn.lang,
        title=_text(contest.title, turn.lang),
        opens=office(contest.opens),
        closes=office(contest.closes),
    )
    return Reply(text, (menu.home_row(turn.kb, turn.lang),))


def _skip_row(turn: Turn, attempt_id: int) -> tuple[Button, ...]:
    return (Button(say(turn.kb, "btn.skip", turn.lang), f"{ACTION}:skip:{attempt_id}"),)


def _text(text: Text, lang: str) -> str:
    return pick(text, answer_language(text, lang))


def _list(items: TextList, lang: str) -> list[str]:
    return items.get(answer_language(items, lang), []) if items else []
