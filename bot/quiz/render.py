"""What a contest looks like in the chat: a question with its lettered options, the result with
every right answer, explanation and source, the closed-contest notice."""

from __future__ import annotations

from bot import menu
from bot.messages import Button, Reply
from bot.models import utcnow
from bot.quiz import attempts
from bot.quiz.models import QuizAttempt
from bot.quiz.texts import duration, office, say
from bot.render import answer_language
from bot.turn import Turn
from knowledge.contests import Contest, Question
from knowledge.schema import KnowledgeBase, Text, TextList, pick

ACTION = menu.QUIZ
LETTERS = "ABCD"  # knowledge.contests allows at most four options


def question(
    turn: Turn, contest: Contest, attempt: QuizAttempt, notice: str | None = None
) -> Reply:
    question = attempts.current(contest, attempt)
    if question is None:  # the pool changed under a running attempt: end it kindly
        return Reply(say(turn.kb, "over", turn.lang), (menu.home_row(turn.kb, turn.lang),))
    position = len(attempt.answers)
    left = duration(turn.kb, attempts.remaining(attempt).total_seconds(), turn.lang)
    options = items_in(question.options, turn.lang)
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
        text=in_lang(question.text, turn.lang),
    )
    row = tuple(
        Button(LETTERS[index], f"{ACTION}:ans:{attempt.id}:{position}:{index}")
        for index in range(len(options))
    )
    body = f"{text}\n{listed}"
    return Reply(f"{notice}\n\n{body}" if notice else body, (row,))


def result(turn: Turn, contest: Contest, attempt: QuizAttempt) -> list[Reply]:
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
    options = items_in(question.options, lang)
    mark = "✅" if given == question.answer else ("❌" if given is not None else "⏭️")
    return say(
        kb,
        "line",
        lang,
        n=str(n),
        mark=mark,
        text=in_lang(question.text, lang),
        answer=f"{LETTERS[question.answer]}. {options[question.answer]}",
        explanation=in_lang(question.explanation, lang),
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
    return say(kb, "kb_entry", lang, title=in_lang(entry.title, lang))


def closed(turn: Turn, contest: Contest) -> Reply:
    text = say(
        turn.kb,
        "closed",
        turn.lang,
        title=in_lang(contest.title, turn.lang),
        opens=office(contest.opens),
        closes=office(contest.closes),
    )
    return Reply(text, (menu.home_row(turn.kb, turn.lang),))


def skip_row(turn: Turn, attempt_id: int) -> tuple[Button, ...]:
    return (Button(say(turn.kb, "btn.skip", turn.lang), f"{ACTION}:skip:{attempt_id}"),)


def in_lang(text: Text, lang: str) -> str:
    return pick(text, answer_language(text, lang))


def items_in(items: TextList, lang: str) -> list[str]:
    return items.get(answer_language(items, lang), []) if items else []
