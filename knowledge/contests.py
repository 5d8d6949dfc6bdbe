"""Knowledge contests ("cuộc thi tìm hiểu"): one YAML file each in `contests/`, checked like
every other knowledge-base file (file, line and contest/question in every problem)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.fields import FieldChecker
from knowledge.schema import Text, TextList
from knowledge.yamlsource import line_of

OFFICE_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # Asia/Ho_Chi_Minh, no daylight saving
MIN_OPTIONS, MAX_OPTIONS = 2, 4
MAX_ID = 40  # the id travels in button payloads (64 bytes on Telegram)
MAX_PER_ATTEMPT = 99  # the question's position travels in the answer buttons

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CONTEST_KEYS = {
    "id",
    "title",
    "rules",
    "opens",
    "closes",
    "questions_per_attempt",
    "attempts_allowed",
    "time_limit_minutes",
    "prediction",
    "areas",
    "questions",
}
_CONTEST_OPTIONAL = {"prediction", "areas"}
_QUESTION_KEYS = {"id", "text", "options", "answer", "explanation", "source"}
_SOURCE_KEYS = {"law", "entry"}


@dataclass(frozen=True)
class Question:
    """One question of a contest's pool; `answer` is the index of the right option."""

    id: str
    text: Text
    options: TextList
    answer: int
    explanation: Text
    law: str | None = None  # the legal text the fact comes from, or
    entry: str | None = None  # the knowledge-base entry that states it


@dataclass(frozen=True)
class Contest:
    """A contest: its rules, its window (UTC), its pool and how attempts are drawn."""

    id: str
    title: Text
    rules: Text
    opens: dt.datetime
    closes: dt.datetime
    per_attempt: int
    attempts_allowed: int
    time_limit: dt.timedelta
    questions: tuple[Question, ...]
    prediction: Text = field(default_factory=dict)  # empty: no prediction question
    areas: TextList = field(default_factory=dict)  # empty: the area is not asked

    def is_open(self, now: dt.datetime) -> bool:
        """Whether attempts may start at `now`."""
        return self.opens <= now < self.closes

    def question(self, question_id: str) -> Question | None:
        """The pool's question with this id."""
        return next((q for q in self.questions if q.id == question_id), None)


def office_time(value: Any) -> dt.datetime | None:
    """`2026-12-01 07:30` (office time, Asia/Ho_Chi_Minh) as an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OFFICE_TZ)
    return moment.astimezone(dt.UTC)


def read_contests(
    checker: FieldChecker, directory: Path, entry_ids: set[str]
) -> dict[str, Contest]:
    """Every contest file in `directory` (none is fine); problems go to `checker`."""
    contests: dict[str, Contest] = {}
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        contest = _Reader(checker, entry_ids).contest(path)
        if contest is None:
            continue
        if contest.id in contests:
            checker.problem(1, f"contest id '{contest.id}' is used by two files")
            continue
        contests[contest.id] = contest
    checker.entry = None
    return contests


class _Reader:
    def __init__(self, checker: FieldChecker, entry_ids: set[str]) -> None:
        self.c = checker
        self.entry_ids = entry_ids

    def contest(self, path: Path) -> Contest | None:
        raw = self.c.read(path)
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.c.problem(1, "a contest file must be a mapping with 'id', 'title', 'questions'")
            return None
        contest_id = raw.get("id")
        self.c.entry = f"contest {contest_id or path.stem}"
        before = len(self.c.problems)
        self.c.keys(raw, _CONTEST_KEYS, _CONTEST_KEYS - _CONTEST_OPTIONAL, "contest")
        valid = isinstance(contest_id, str) and bool(_ID.match(contest_id))
        if not valid or len(str(contest_id)) > MAX_ID:
            self.c.problem(
                line_of(raw, "id"), f"'id' must be lowercase a-z0-9_, at most {MAX_ID} long"
            )
        title = self.c.text(raw.get("title"), line_of(raw, "title"), "title")
        rules = self.c.text(raw.get("rules"), line_of(raw, "rules"), "rules")
        opens, closes = self._moment(raw, "opens"), self._moment(raw, "closes")
        if opens and closes and closes <= opens:
            self.c.problem(line_of(raw, "closes"), "'closes' must be after 'opens'")
        per_attempt = self._count(raw, "questions_per_attempt")
        if per_attempt > MAX_PER_ATTEMPT:
            self.c.problem(
                line_of(raw, "questions_per_attempt"),
                f"'questions_per_attempt' is at most {MAX_PER_ATTEMPT}",
            )
        attempts = self._count(raw, "attempts_allowed")
        minutes = self._count(raw, "time_limit_minutes")
        prediction: Text = {}
        if "prediction" in raw:
            prediction = self.c.text(raw["prediction"], line_of(raw, "prediction"), "prediction")
        areas: TextList = {}
        if "areas" in raw:
            areas = self.c.text_list(raw["areas"], line_of(raw, "areas"), "areas")
        questions = self._questions(raw)
        if per_attempt and questions and per_attempt > len(questions):
            self.c.problem(
                line_of(raw, "questions_per_attempt"),
                f"'questions_per_attempt' is {per_attempt} but the pool has {len(questions)}",
            )
        if len(self.c.problems) > before or not (opens and closes and per_attempt):
            return None
        return Contest(
            id=str(contest_id),
            title=title,
            rules=rules,
            opens=opens,
            closes=closes,
            per_attempt=per_attempt,
            attempts_allowed=attempts or 1,
            time_limit=dt.timedelta(minutes=minutes or 1),
            questions=tuple(questions),
            prediction=prediction,
            areas=areas,
        )

    def _moment(self, raw: dict[str, Any], key: str) -> dt.datetime | None:
        if key not in raw:
            return None
        moment = office_time(raw[key])
        if moment is None:
            self.c.problem(
                line_of(raw, key), f"'{key}' must be an office time like \"2026-12-01 07:30\""
            )
        return moment

    def _count(self, raw: dict[str, Any], key: str) -> int:
        value = raw.get(key)
        if key in raw and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            self.c.problem(line_of(raw, key), f"'{key}' must be a whole number of at least 1")
            return 0
        return int(value) if isinstance(value, int) else 0

    def _questions(self, raw: dict[str, Any]) -> list[Question]:
        items = raw.get("questions")
        if not isinstance(items, list) or not items:
            self.c.problem(line_of(raw, "questions"), "'questions' must be a non-empty list")
            return []
        contest_entry = self.c.entry
        questions: list[Question] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            line = line_of(items, index)
            question = self._question(item, line, contest_entry or "")
            if question is None:
                continue
            if question.id in seen:
                self.c.problem(line, f"question id repeats the one at line {seen[question.id]}")
                continue
            seen[question.id] = line
            questions.append(question)
        self.c.entry = contest_entry
        return questions

    def _question(self, raw: Any, line: int, contest: str) -> Question | None:
        self.c.entry = contest
        if not isinstance(raw, dict):
            self.c.problem(line, "a question must be a mapping")
            return None
        question_id = raw.get("id")
        self.c.entry = f"{contest}, question {question_id or f'#{line}'}"
        before = len(self.c.problems)
        self.c.keys(raw, _QUESTION_KEYS, _QUESTION_KEYS, "question")
        if not isinstance(question_id, str) or not _ID.match(question_id):
            self.c.problem(line_of(raw, "id"), "'id' must be lowercase a-z0-9_")
        text = self.c.text(raw.get("text"), line_of(raw, "text"), "text")
        options = self._options(raw)
        answer = raw.get("answer")
        count = len(options.get("vi", []))
        if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= count:
            self.c.problem(
                line_of(raw, "answer"), f"'answer' must be the right option's number, 1 to {count}"
            )
        explanation = self.c.text(
            raw.get("explanation"), line_of(raw, "explanation"), "explanation"
        )
        if any("\n" in value for value in explanation.values()):
            self.c.problem(line_of(raw, "explanation"), "'explanation' must be one line")
        law, entry = self._source(raw.get("source"), line_of(raw, "source"))
        if len(self.c.problems) > before or not isinstance(answer, int):
            return None
        return Question(str(question_id), text, options, answer - 1, explanation, law, entry)

    def _options(self, raw: dict[str, Any]) -> TextList:
        options = self.c.text_list(raw.get("options"), line_of(raw, "options"), "options")
        sizes = {len(values) for values in options.values()}
        line = line_of(raw, "options")
        if any(not MIN_OPTIONS <= size <= MAX_OPTIONS for size in sizes):
            self.c.problem(line, f"a question has {MIN_OPTIONS} to {MAX_OPTIONS} options")
        elif len(sizes) > 1:
            self.c.problem(line, "every language must list the same number of options")
        return options

    def _source(self, raw: Any, line: int) -> tuple[str | None, str | None]:
        if not isinstance(raw, dict) or len(raw) != 1 or not set(raw) <= _SOURCE_KEYS:
            self.c.problem(
                line, "'source' must be {law: \"legal text\"} or {entry: knowledge-base id}"
            )
            return None, None
        value = raw.get("law") or raw.get("entry")
        if not isinstance(value, str) or not value.strip():
            self.c.problem(line, "'source' must name its legal text or entry")
            return None, None
        if "entry" in raw:
            if value not in self.entry_ids:
                self.c.problem(line_of(raw, "entry"), f"entry '{value}' does not exist")
            return None, value
        return value.strip(), None
