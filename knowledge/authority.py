"""Bodies a question names as the one it deals with (data/authorities.yaml).

"Gửi Sở Giáo dục", "khiếu nại lên sàn thương mại điện tử", "complain to the internet provider":
the words overlap a commune topic, but the question is another body's business. A body counts
against an entry only when none of the entry's own sample questions turns to it too, so an entry
that does deal with it is unaffected; the birth-registration entry speaks of babies born at the
hospital, yet "xin bệnh viện cấp lại giấy chứng sinh" is the hospital's business, not its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import yaml

from knowledge.normaliser import fold, has_vietnamese_marks

AUTHORITIES_FILE = Path(__file__).parent / "data" / "authorities.yaml"


class Authorities:
    """Finds the bodies named in a text."""

    def __init__(self, path: Path = AUTHORITIES_FILE) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

        def listed(key: str) -> list[str]:
            return [_lower(str(p)) for p in data.get(key) or []]

        bodies, places = listed("bodies"), listed("places")
        # a phrase folding onto another of its folded words' meanings needs the marks
        plain = {fold(p) for p in bodies + places if fold(p) not in _AMBIGUOUS}
        self.marked = _pattern([*bodies, *places])
        self.folded = _pattern(plain)
        self.places = frozenset(fold(p) for p in places)
        self.turning = frozenset(tuple(fold(w).split()) for w in listed("turning"))
        self.sending = frozenset(tuple(fold(w).split()) for w in listed("sending"))
        self.issuer = frozenset(fold(w) for w in listed("issuer"))
        self.articles = frozenset(fold(w) for w in listed("articles"))
        self.exceptions = _pattern(listed("except"))

    def mentioned(self, text: str) -> frozenset[str]:
        """Every body `text` names, in any role (folded: "so", "benh vien")."""
        return frozenset(fold(hit.group(0)) for hit, _ in self._hits(text))

    def named(self, text: str) -> frozenset[str]:
        """The bodies `text` deals with: a body, anywhere; a place, only right after a word
        that turns to it ("xin bệnh viện cấp lại", not "sinh ở bệnh viện"); neither right after
        a word naming it as who made a paper ("bản án của tòa án")."""
        found: set[str] = set()
        for hit, haystack in self._hits(text):
            body = fold(hit.group(0))
            before = fold(haystack[: hit.start()]).split()[-3:]
            while before and before[-1] in self.articles:
                before.pop()
            last = before[-1] if before else ""
            turning = next((t for t in self.turning if tuple(before[-len(t) :]) == t), None)
            # "(dịch học bạ) để gửi trường": who the paper is for, not whom the question asks
            purpose = turning in self.sending and before[-len(turning) - 1 : -len(turning)] == [
                "de"
            ]
            if last in self.issuer or (body in self.places and (turning is None or purpose)):
                continue
            found.add(body)
        return frozenset(found)

    def _hits(self, text: str) -> list[tuple[re.Match[str], str]]:
        lowered = self.exceptions.sub(" ", _lower(text))
        if has_vietnamese_marks(text):
            return [(hit, lowered) for hit in self.marked.finditer(lowered)]
        folded = fold(lowered)
        return [(hit, folded) for hit in self.folded.finditer(folded)]


# folded forms that are everyday words too: sở/số/sổ, cục/cực, tòa/tọa, trường/trưởng
_AMBIGUOUS = frozenset({"so", "cuc", "chi cuc", "toa", "truong"})


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """Whole-word alternation of `phrases`, longest first (never matches when empty)."""
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in ordered) + r")(?!\w)")
