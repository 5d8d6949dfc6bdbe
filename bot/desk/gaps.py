"""Knowledge gaps: declined and 👎-rated questions grouped by similarity, most asked first.

A question joins the first group whose head it resembles (rapidfuzz token-set ratio on the
folded text, so diacritics and word order do not split a group). Staff marks are matched
the same way: an ignored group stays ignored when the question comes back; a handled group
shows again only when it is asked after it was marked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml
from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.desk.models import GapMark
from bot.feedback.models import Staff
from bot.models import AnswerRating, MessageLog, UnansweredQuestion, utcnow
from knowledge.normaliser import fold

SIMILAR = 80.0
LOOK_BACK = dt.timedelta(days=180)
MAX_QUESTIONS = 5000
EXAMPLES = 5
MARKS = ("handled", "ignored")


@dataclass(frozen=True)
class Asked:
    """One question the bot failed: declined, or answered and rated 👎."""

    text: str
    folded: str
    at: dt.datetime
    kind: str  # "declined" or "disliked"
    intent: str | None = None  # the entry that was rated 👎


@dataclass
class Gap:
    """A group of similar failed questions."""

    key: str
    head: str
    asked: list[Asked] = field(default_factory=list)
    handled_before: bool = False

    @property
    def count(self) -> int:
        return len(self.asked)

    @property
    def first(self) -> dt.datetime:
        return min(a.at for a in self.asked)

    @property
    def last(self) -> dt.datetime:
        return max(a.at for a in self.asked)

    @property
    def declined(self) -> int:
        return sum(1 for a in self.asked if a.kind == "declined")

    def examples(self) -> list[str]:
        """Up to EXAMPLES distinct wordings, newest first."""
        seen: dict[str, str] = {}
        for asked in sorted(self.asked, key=lambda a: a.at, reverse=True):
            seen.setdefault(asked.folded, asked.text)
        return list(seen.values())[:EXAMPLES]


def failed_questions(session: Session, since: dt.datetime) -> list[Asked]:
    """Declined questions and questions whose answer was rated 👎, since `since`."""
    declined = session.scalars(
        select(UnansweredQuestion)
        .where(UnansweredQuestion.created_at >= since)
        .order_by(UnansweredQuestion.id.desc())
        .limit(MAX_QUESTIONS)
    )
    found = [Asked(q.text, fold(q.text), q.created_at, "declined") for q in declined]
    disliked = session.execute(
        select(MessageLog.text, AnswerRating.created_at, AnswerRating.intent)
        .join(MessageLog, MessageLog.id == AnswerRating.message_id)
        .where(AnswerRating.useful.is_(False), AnswerRating.created_at >= since)
        .order_by(AnswerRating.id.desc())
        .limit(MAX_QUESTIONS)
    )
    found += [Asked(text, fold(text), at, "disliked", intent) for text, at, intent in disliked]
    return [a for a in found if a.folded]


def similar(a: str, b: str) -> bool:
    """Two folded questions that ask the same thing closely enough to be one group."""
    return fuzz.token_set_ratio(a, b) >= SIMILAR


def group(questions: list[Asked], marks: list[GapMark]) -> list[Gap]:
    """Open gaps, most asked first (ties: most recent first)."""
    gaps: list[Gap] = []
    for asked in sorted(questions, key=lambda a: a.at):
        mark = next((m for m in marks if similar(asked.folded, m.key)), None)
        if mark is not None and (mark.status == "ignored" or asked.at <= mark.marked_at):
            continue
        gap = next((g for g in gaps if similar(asked.folded, g.key)), None)
        if gap is None:
            gap = Gap(asked.folded[:300], asked.text, handled_before=mark is not None)
            gaps.append(gap)
        gap.asked.append(asked)
    return sorted(gaps, key=lambda g: (-g.count, -g.last.timestamp()))


def open_gaps(session: Session, now: dt.datetime | None = None) -> list[Gap]:
    """The knowledge-gap page's groups."""
    now = now or utcnow()
    marks = list(session.scalars(select(GapMark)))
    return group(failed_questions(session, now - LOOK_BACK), marks)


def mark(session: Session, key: str, status: str, staff: Staff) -> GapMark:
    """Mark the group with head `key` handled or ignored."""
    if status not in MARKS:
        raise ValueError(status)
    row = session.get(GapMark, key[:300]) or GapMark(key=key[:300])
    row.status, row.staff_id, row.marked_at = status, staff.id, utcnow()
    session.add(row)
    session.flush()
    return row


def _slug(text: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", "", fold(text)).split()[:6]
    return "_".join(words) or "cau_hoi_moi"


def draft_entry(gap: Gap, today: dt.date) -> str:
    """A knowledge-base entry to complete, as YAML for a topic file's `entries:` list."""
    entry = {
        "id": _slug(gap.head),
        "category": "info",
        "title": {"vi": gap.head[:120], "en": ""},
        "questions": {"vi": gap.examples(), "en": []},
        "answer": {"vi": "(Cán bộ soạn câu trả lời tại đây.)\n", "en": ""},
        "source": {"name": "(Văn bản, nguồn căn cứ)"},
        "checked": today,
    }
    text: str = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100)
    return text


def sample_lines(gap: Gap) -> str:
    """The group's wordings as YAML list items, to add under an entry's `questions: vi:`."""
    lines = yaml.safe_dump(gap.examples(), allow_unicode=True, width=1000)
    return "".join(f"        {line}\n" for line in lines.splitlines())
