"""A complaint told in free text ("cán bộ quát tháo", "hồ sơ trễ hẹn mà không ai giải thích").

`Grievances.detect` weighs the cues in `data/grievance.yaml`; the text hook then offers to file
the message as phản ánh, the citizen's own words kept as the description and the category
guessed, instead of a topic answer or a bare decline. Questions about *how* to complain, and
procedure questions, are left to the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from bot.callbacks import record_id
from bot.feedback.config import CATEGORIES
from bot.feedback.draft import MAX_DESCRIPTION, Draft, preview
from bot.feedback.intake import Intake
from bot.feedback.texts import category_label
from bot.feedback.texts import say as feedback_say
from bot.menu import home_row, payload
from bot.messages import Button, Reply
from bot.models import MessageLog
from bot.questions import answer_question
from bot.render import say
from bot.turn import Turn
from knowledge.matcher import Matcher
from knowledge.normaliser import fold

DATA = Path(__file__).with_name("data") / "grievance.yaml"
OTHER = "khac"
ACTION = "grv"  # button kind: grv:file:<message log id>:<category>, grv:ask:<message log id>
BAND = "complaint"  # message_log.band of a message the bot offered to file


@dataclass(frozen=True)
class Grievance:
    """What the detector found: the guessed category, the total weight and the cues seen."""

    category: str
    score: float
    cues: tuple[str, ...]


def _phrases(values: Any) -> tuple[str, ...]:
    return tuple(" ".join(fold(str(v)).split()) for v in values)


class Grievances:
    """The cue table; `detect` says whether a message narrates a grievance."""

    def __init__(self, data: Mapping[str, Any], abbreviations: Mapping[str, str]) -> None:
        self.threshold = float(data["threshold"])
        self.question_threshold = float(data["question_threshold"])
        self.narrative_weight = float(data["narrative_weight"])
        self.abbreviations = dict(abbreviations)
        weighted: list[tuple[str, str | None, float]] = []
        for category, by_weight in data["categories"].items():
            if category not in CATEGORIES:
                raise ValueError(f"unknown feedback category in {DATA.name}: {category}")
            for weight, cues in by_weight.items():
                weighted += [(cue, category, float(weight)) for cue in _phrases(cues)]
        for weight, cues in data["general"].items():
            weighted += [(cue, None, float(weight)) for cue in _phrases(cues)]
        # Longest first, so a cue inside a longer one already found is not counted again.
        self.cues = sorted(weighted, key=lambda c: -len(c[0].split()))
        self.narrative = _phrases(data["narrative"])
        self.question = _phrases(data["question"])
        self.complaint_words = _phrases(data["complaint_words"])
        self.formal_words = _phrases(data["formal_words"])

    @classmethod
    def load(cls, abbreviations: Mapping[str, str], path: Path = DATA) -> Grievances:
        """The packaged table (or `path`), with the knowledge base's abbreviations."""
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")), abbreviations)

    def words(self, text: str) -> str:
        """Folded text with abbreviations expanded, padded with spaces for whole-word search."""
        expanded = [self.abbreviations.get(token, token) for token in fold(text).split()]
        return f" {' '.join(expanded)} "

    def detect(self, text: str) -> Grievance | None:
        """The grievance `text` narrates, or None (a question, small talk, too little)."""
        padded = self.words(text)
        if any(f" {w} " in padded for w in self.formal_words):
            return None  # khiếu nại, tố cáo: a formal procedure the knowledge base explains
        asks = any(f" {q} " in padded for q in self.question)
        if asks and any(f" {w} " in padded for w in self.complaint_words):
            return None  # "phản ánh ở đâu", "how do I complain": the knowledge base answers
        found, per_category, score = self._cues(padded.split())
        if not found:
            return None
        if any(f" {n} " in padded for n in self.narrative):
            score += self.narrative_weight
        if score < (self.question_threshold if asks else self.threshold):
            return None
        ranked = sorted(per_category.items(), key=lambda kv: (-kv[1], CATEGORIES.index(kv[0])))
        return Grievance(ranked[0][0] if ranked else OTHER, score, tuple(found))

    def _cues(self, words: list[str]) -> tuple[list[str], dict[str, float], float]:
        """Cues found (one inside a longer cue found does not count), weight per category."""
        found: list[str] = []
        spans: list[tuple[int, int]] = []
        per_category: dict[str, float] = {}
        score = 0.0
        padded = f" {' '.join(words)} "
        for cue, category, weight in self.cues:
            if f" {cue} " not in padded:  # cheap test first: most cues are absent
                continue
            size = len(cue.split())
            starts = [
                i for i in range(len(words) - size + 1) if " ".join(words[i : i + size]) == cue
            ]
            free = [i for i in starts if not any(a <= i and i + size <= b for a, b in spans)]
            if not free:
                continue
            spans += [(i, i + size) for i in free]
            found.append(cue)
            score += weight
            if category is not None:
                per_category[category] = per_category.get(category, 0.0) + weight
        return found, per_category, score


class Offer:
    """The text hook that offers to file a told grievance, and its `grv:` buttons."""

    def __init__(
        self, grievances: Grievances, intake: Intake, matcher: Callable[[], Matcher]
    ) -> None:
        self.grievances = grievances
        self.intake = intake
        self.matcher = matcher  # the one serving now (a knowledge-base reload swaps it)

    def __call__(self, turn: Turn) -> list[Reply] | None:
        """Offer to file the message as phản ánh when it narrates a grievance."""
        text = turn.inbound.text.strip()
        found = self.grievances.detect(text)
        if found is None:
            return None
        kb, lang = turn.kb, turn.lang
        row = MessageLog(
            contact_id=turn.contact.id,
            text=text[:MAX_DESCRIPTION],
            lang=lang,
            intent=None,
            score=found.score,
            band=BAND,
        )
        turn.session.add(row)
        turn.session.flush()
        rows = (
            (
                Button(
                    say(kb, "grievance.file", lang),
                    payload(ACTION, "file", row.id, found.category),
                ),
            ),
            (Button(say(kb, "grievance.ask", lang), payload(ACTION, "ask", row.id)),),
            home_row(kb, lang),
        )
        offer = say(kb, "grievance.offer", lang, category=category_label(found.category, lang))
        return [Reply(offer, rows, {"grievance": found.category})]

    def on_action(self, turn: Turn, arg: str) -> list[Reply]:
        """`grv:file:<log id>:<category>` starts the draft; `grv:ask:<log id>` answers it."""
        verb, _, rest = arg.partition(":")
        ref, _, category = rest.partition(":")
        logged_id = record_id(ref)
        logged = turn.session.get(MessageLog, logged_id) if logged_id else None
        if logged is None or logged.contact_id != turn.contact.id or logged.band != BAND:
            return [
                Reply(say(turn.kb, "grievance.gone", turn.lang), (home_row(turn.kb, turn.lang),))
            ]
        if verb == "ask":
            typed = replace(turn.inbound, text=logged.text, payload=None)
            return answer_question(replace(turn, inbound=typed), self.matcher())
        draft = Draft(category=category if category in CATEGORIES else OTHER)
        draft.add_description(logged.text)
        draft.description_done = draft.description_sufficient()
        kept = feedback_say(
            turn.kb, "draft.description", turn.lang, text=preview(draft.description)
        )
        return self.intake.begin_with(turn, draft, [kept])
