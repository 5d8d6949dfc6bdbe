"""What a question asks about: documents, fee, time, where, steps, online, legal basis or who.

Table-driven (knowledge/data/aspects.yaml). Cue phrases go through the same folding and
abbreviation expansion as the question, so "bn tiền", "bao nhiêu tiền" and "bao nhieu tien" are
one cue. The
first strong cue in the question decides; weak cues only count when there is no strong one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.normaliser import Normaliser, has_vietnamese_marks, tokens

ASPECTS: tuple[str, ...] = ("documents", "fee", "time", "where", "steps", "online", "legal", "who")
DEFAULT_FILE = Path(__file__).parent / "data" / "aspects.yaml"
Expand = Callable[[str], list[str]]


@dataclass(frozen=True)
class Cue:
    """One cue phrase (as expanded tokens) for an aspect; `aspect` is None for neutral ones."""

    aspect: str | None
    words: tuple[str, ...]
    strong: bool


@dataclass(frozen=True)
class Hit:
    """Where a cue was found in a question's tokens."""

    cue: Cue
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.cue.words)


@dataclass(frozen=True)
class AspectTable:
    """The raw table: per aspect its strong and weak phrases, neutral phrases, filler words."""

    strong: dict[str, tuple[str, ...]]
    weak: dict[str, tuple[str, ...]]
    neutral: tuple[str, ...]
    filler: tuple[str, ...]
    filler_en: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    decisive: tuple[str, ...] = ()
    heads: dict[str, tuple[str, ...]] = field(default_factory=dict)


def load_table(path: Path = DEFAULT_FILE) -> AspectTable:
    """Read and check an aspects file; a ValueError names what is wrong."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("aspects"), dict):
        raise ValueError(f"{path}: expected a mapping with 'aspects'")
    unknown = set(raw["aspects"]) - set(ASPECTS)
    if unknown:
        raise ValueError(f"{path}: unknown aspects {sorted(unknown)} (known: {list(ASPECTS)})")
    strong = {a: _phrases(path, raw["aspects"].get(a) or {}, "strong") for a in ASPECTS}
    weak = {a: _phrases(path, raw["aspects"].get(a) or {}, "weak") for a in ASPECTS}
    neutral, filler, filler_en, channels, decisive = (
        _phrases(path, raw, key)
        for key in ("neutral", "filler", "filler_en", "channels", "decisive")
    )
    heads = {a: _phrases(path, raw["aspects"].get(a) or {}, "heads") for a in ASPECTS}
    return AspectTable(strong, weak, neutral, filler, filler_en, channels, decisive, heads)


def _phrases(path: Path, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    items = raw.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise ValueError(f"{path}: '{key}' must be a list of phrases")
    return tuple(items)


class AspectDetector:
    """Finds the aspect of a question, and the words left once its cues are taken out."""

    def __init__(self, table: AspectTable, expand: Expand = tokens) -> None:
        self.expand = expand
        cues: dict[tuple[str, ...], Cue] = {}
        for phrase in table.neutral:
            self._add(cues, Cue(None, tuple(expand(phrase)), True))
        for strong, groups in ((True, table.strong), (False, table.weak)):
            for aspect, phrases in groups.items():
                for phrase in phrases:
                    self._add(cues, Cue(aspect, tuple(expand(phrase)), strong))
        self._by_first: dict[str, list[Cue]] = {}
        for cue in cues.values():
            self._by_first.setdefault(cue.words[0], []).append(cue)
        for found in self._by_first.values():
            found.sort(key=lambda c: -len(c.words))  # longest first at each position
        self._channels = frozenset(" ".join(expand(p)) for p in table.channels)
        self._decisive_cues = frozenset(tuple(expand(p)) for p in table.decisive)
        fillers = [tuple(expand(p)) for p in table.filler]
        self.filler = frozenset(f[0] for f in fillers if len(f) == 1)
        self.filler_en = self.filler | {w for p in table.filler_en for w in expand(p)}
        self._filler_phrases = [f for f in fillers if len(f) > 1]
        self._heads = {
            tuple(expand(noun)): aspect for aspect, nouns in table.heads.items() for noun in nouns
        }

    @staticmethod
    def _add(cues: dict[tuple[str, ...], Cue], cue: Cue) -> None:
        # The first table entry for a phrase wins (neutral, then strong, then weak).
        if cue.words and cue.words not in cues:
            cues[cue.words] = cue

    def hits(self, words: list[str]) -> list[Hit]:
        """Cues in `words`, left to right, never overlapping (the longest at each start)."""
        found: list[Hit] = []
        position = 0
        while position < len(words):
            hit = self._hit_at(words, position)
            if hit is None:
                position += 1
                continue
            if not hit.cue.strong and self._strong_across(words, hit):
                position += 1
                continue
            found.append(hit)
            position = hit.end
        return self._with_heads(words, found)

    def _with_heads(self, words: list[str], found: list[Hit]) -> list[Hit]:
        """`found` with the "which/what <noun>" and "<noun> nào/gì" questions no cue covers,
        as strong cues of the noun's aspect (`heads` in the table): "which private notary
        office" asks where, "văn bản pháp luật nào" the legal basis."""
        taken = {i for h in found for i in range(h.start, h.end)}
        for position in range(len(words)):
            if position in taken:
                continue
            asked = _asked_noun(words, position, self._heads)
            if asked is None or taken & set(range(asked[0], asked[1])):
                continue
            start, end, aspect = asked
            found.append(Hit(Cue(aspect, tuple(words[start:end]), True), start))
            taken.update(range(start, end))
        return sorted(found, key=lambda h: h.start)

    def _strong_across(self, words: list[str], hit: Hit) -> bool:
        """Whether a strong cue starts inside a weak hit and runs past it: "có cần photo" holds
        the weak "có cần" and the strong "cần photo", and the strong one is what it asks."""
        for start in range(hit.start + 1, hit.end):
            inner = self._hit_at(words, start)
            if inner is not None and inner.cue.strong and inner.end > hit.end:
                return True
        return False

    def _hit_at(self, words: list[str], position: int) -> Hit | None:
        for cue in self._by_first.get(words[position], ()):
            if tuple(words[position : position + len(cue.words)]) == cue.words:
                return Hit(cue, position)
        return None

    def detect(self, text: str) -> str | None:
        """The question's aspect (one of ASPECTS), or None when it asks about none.

        The asking part is tried first: the sentences that end in "?", and what follows "cho
        em hỏi"; the story before it ("tôi đã nộp lệ phí rồi, …") only counts when the asking
        part has no cue.
        """
        words = self.expand(text)
        asking = _asking_words(self.expand, text, words)
        found = self._decisive(self._detect(text, words, asking), asking, text)
        if found is None and _ends_in_sao(asking):
            found = "steps"
        return self._where_then_how(
            self._channel(self._prefer(found, asking, text), asking), asking
        )

    def _decisive(self, found: str | None, asking: list[str], text: str) -> str | None:
        """A decisive cue ("văn bản nào quy định", "which decree") decides the sentence it is
        in: what comes before it ("lệ phí trích lục do văn bản nào quy định") is its subject.
        A later sentence ("What is the fee? And which law ...?") is a second question."""
        for sentence in _SENTENCE.findall(text):
            words = self.expand(sentence)
            if words and _within(asking, words):
                words = asking  # the sentence holds "cho hỏi": only what follows it asks
            elif not words or not _within(words, asking):
                continue
            hits = [h for h in self.hits(words) if h.cue.aspect is not None and h.cue.strong]
            if not hits:
                continue
            decisive = [h for h in hits if h.cue.words in self._decisive_cues]
            return decisive[0].cue.aspect if decisive else found
        return found

    def _where_then_how(self, found: str | None, asking: list[str]) -> str | None:
        """ "nộp ở đâu và làm thế nào" asks for the whole procedure: the steps answer says where
        too, so a "how" asked after "where" wins."""
        if found != "where":
            return found
        strong = [h.cue.aspect for h in self.hits(asking) if h.cue.aspect and h.cue.strong]
        if "where" in strong and "steps" in strong[strong.index("where") :]:
            return "steps"
        return found

    def _channel(self, found: str | None, asking: list[str]) -> str | None:
        """A fee question that names how to pay ("trả lệ phí bằng ví điện tử được không",
        "pay the fee by bank transfer?") asks about the online channel, not the amount."""
        if found != "fee":
            return found
        if any(" ".join(h.cue.words) in self._channels for h in self.hits(asking)):
            return "online"
        return found

    def _detect(self, text: str, words: list[str], asking: list[str]) -> str | None:
        asked = self._asked_clause_aspect(text, asking)
        if asked is not None:
            return asked
        for part in (asking, words) if asking != words else (words,):
            aspect = self._first_aspect(part)
            if aspect is not None:
                return aspect
        return None

    def _prefer(self, found: str | None, asking: list[str], text: str) -> str | None:
        """In an English question a generic "how do I" gives way to the specific aspect of a
        second question after it ("How do I renew it? Can I do it online?" asks about online;
        "how do I extend it and how long before expiry" about time), not to what the "how"
        itself asks about ("how do I pay fees online" asks the steps). Vietnamese keeps the
        first cue: on dev, "làm thế nào, mất bao lâu" is labelled steps, while English labels
        follow the specific question."""
        if found != "steps" or has_vietnamese_marks(text):
            return found
        if not any(w in _ENGLISH_OPENING or w in _QUESTION_WORDS for w in asking):
            return found
        seen_how = False
        for words, _ in self._asking_clauses(text, asking):
            strong = [h for h in self.hits(words) if h.cue.aspect is not None and h.cue.strong]
            if not seen_how:
                first = next((h for h in strong if h.cue.aspect == "steps"), None)
                if first is None:
                    continue
                if " ".join(first.cue.words) not in _GENERIC_STEPS:
                    return found
                seen_how = True
                strong = [h for h in strong if _joined_after(words, first, h)]
            later = [h for h in strong if h.cue.aspect != "steps"]
            if later:
                return later[0].cue.aspect
        return found

    def _asked_clause_aspect(self, text: str, asking: list[str]) -> str | None:
        """The cue asked in the first clause that asks something and has a strong cue ("...,
        giờ phải làm sao?"), else in the first clause with a strong cue. An earlier clause that
        only tells ("em muốn kích hoạt trên VNeID mà tự làm không được") names what happened,
        not what is asked. Within the clause, the cue a question word asks about decides (see
        `_asked_aspect`), else its first strong cue."""
        cued: list[tuple[list[str], list[Hit], bool]] = []
        for words, marked in self._asking_clauses(text, asking):
            strong = [h for h in self.hits(words) if h.cue.aspect is not None and h.cue.strong]
            if strong:
                cued.append((words, strong, _asks(words, marked)))
        chosen = [c for c in cued if c[2]] or cued
        if not chosen:
            return None
        words, strong, _ = chosen[0]
        return _asked_aspect(strong, words) or strong[0].cue.aspect

    def _asking_clauses(self, text: str, asking: list[str]) -> list[tuple[list[str], bool]]:
        """The clauses of the asking part, each with whether it ends in "?"; of the clause
        that holds "cho hỏi" only what follows it."""
        found: list[tuple[list[str], bool]] = []
        for clause, marked in _clauses(text):
            words = self.expand(clause)
            if _within(asking, words):
                words = asking
            elif not _within(words, asking):
                words = next(
                    (words[k:] for k in range(1, len(words)) if _starts(asking, words[k:])), []
                )
            if words:
                found.append((words, marked))
        return found

    def _first_aspect(self, words: list[str]) -> str | None:
        hits = [h for h in self.hits(words) if h.cue.aspect is not None]
        strong = [h for h in hits if h.cue.strong]
        chosen = strong or hits
        return chosen[0].cue.aspect if chosen else None

    def remainder(self, text: str, lang: str = "vi") -> list[str]:
        """The question's words without aspect cues and filler: what may name its subject."""
        words = self.expand(text)
        taken: set[int] = set()
        for start in range(len(words)):  # every cue, overlapping ones too ("làm ở" + "ở đâu")
            cues = [c.words for c in self._by_first.get(words[start], ())]
            for phrase in (*cues, *self._filler_phrases):
                if tuple(words[start : start + len(phrase)]) == phrase:
                    taken.update(range(start, start + len(phrase)))
        filler = self.filler_en if lang == "en" else self.filler
        return [w for i, w in enumerate(words) if i not in taken and w not in filler]


def abbreviation_expander(normaliser: Normaliser) -> Expand:
    """Folded tokens with the lexicon's abbreviations expanded ("bn" → "bao nhieu", "j" → "gi").

    The lexicon's phrase synonyms are left out: they cost more than the rest of the detection
    and the table lists the few it needs ("qua mạng") itself.
    """
    abbreviations = normaliser.lexicon.abbreviations

    def expand(text: str) -> list[str]:
        return [w for token in tokens(text) for w in abbreviations.get(token, token).split()]

    return expand


_SENTENCE = re.compile(r"[^.!?\n]*[.!?\n]?")
# Unmarked "nhung" is also "những" ("nhung gi", "nhung giay to"): that one does not split.
_CLAUSE = re.compile(
    r"(.*?)([,;:.!?\n]+|\s+(?:mà|ma|nhưng|but"
    r"|nhung(?! (?:gi|giay|thu|buoc|noi|ai|loai|truong|nguoi|van|cai)\b))\s+|$)",
    re.DOTALL,
)
# What makes a clause a question (folded words): English question words, Vietnamese question
# words and pairs (alone "sao", "đâu", "mấy" are also "bản sao", "lần đầu", "máy"), and the
# particles that end a question ("có mất phí không"; "không được" inside is a negation).
_QUESTION_WORDS = frozenset(
    ["gi", "nao", "ai", "how", "what", "where", "when", "which", "who", "whom", "why", "whats"]
)
_QUESTION_PAIRS = frozenset(
    [
        ("bao", "nhieu"),
        ("bao", "lau"),
        ("bao", "gio"),
        ("lam", "sao"),
        ("ra", "sao"),
        ("vi", "sao"),
        ("tai", "sao"),
        ("o", "dau"),
        ("di", "dau"),
        ("tai", "dau"),
        ("ve", "dau"),
        ("len", "dau"),
        ("may", "ngay"),
        ("may", "hom"),
        ("may", "tuan"),
        ("may", "thang"),
        ("may", "gio"),
    ]
)
# Steps cues that only ask "how" (folded; "how do i" in an English question).
_GENERIC_STEPS = frozenset(
    [
        "how do i",
        "how can i",
        "how do we",
        "how can we",
        "how to",
        "how does",
        "how should",
        "what do i have to do",
        "what should i do",
        "what do i do",
        "what do i need to do",
        "need to do",
        "have to do",
    ]
)
_ENDING = frozenset(["khong", "chua", "ha", "nhi", "sao"])
_TRAILING = frozenset(
    ["a", "vay", "admin", "em", "chi", "anh", "minh", "oi", "ban", "nhe", "nha", "ne", "voi"]
)
_ENGLISH_OPENING = frozenset(
    ["can", "could", "do", "does", "did", "is", "are", "will", "should", "must", "may", "would"]
)


def _clauses(text: str) -> list[tuple[str, bool]]:
    """The text's clauses, each with whether it ends in "?"."""
    return [(m.group(1), "?" in m.group(2)) for m in _CLAUSE.finditer(text) if m.group(1).strip()]


def _joined_after(words: list[str], first: Hit, later: Hit) -> bool:
    """Whether `later` comes after `first` with an "and"/"or" between them: a second question
    in the same clause ("how do I extend it and how long ...")."""
    return any(w in ("and", "or") for w in words[first.end : later.start])


def _starts(words: list[str], head: list[str]) -> bool:
    """Whether `words` begins with `head`."""
    return words[: len(head)] == head


def _within(clause: list[str], words: list[str]) -> bool:
    """Whether the clause's words occur, in order and together, in `words`."""
    n = len(clause)
    return any(words[i : i + n] == clause for i in range(len(words) - n + 1))


_NOT_HOW_SAO = frozenset(["ban", "la", "co", "vi", "tai", "ra"])  # bản sao, là sao, có sao


def _ends_in_sao(words: list[str]) -> bool:
    """Whether the question ends in a bare "sao" ("tạo tài khoản sao ad" is "làm sao"), not
    "bản sao", "là sao" ("what does it mean") or "có sao" ("does it matter")."""
    end = len(words)
    while end > 1 and words[end - 1] in _TRAILING:
        end -= 1
    return end > 1 and words[end - 1] == "sao" and words[end - 2] not in _NOT_HOW_SAO


def _asks(clause: list[str], marked: bool) -> bool:
    """Whether a clause asks (see _QUESTION_WORDS), or opens like an English question."""
    if marked or any(w in _QUESTION_WORDS for w in clause):
        return True
    if any(pair in _QUESTION_PAIRS for pair in itertools.pairwise(clause)):
        return True
    end = len(clause)
    while end > 1 and clause[end - 1] in _TRAILING:
        end -= 1
    return clause[end - 1] in _ENDING or clause[0] in _ENGLISH_OPENING


_ASK_BEFORE = {"cho", "xin", "muon"}  # "cho hỏi", "xin hỏi", "muốn hỏi"; also "cho em hỏi"


def _asking_words(expand: Expand, text: str, words: list[str]) -> list[str]:
    """The words of the part of `text` that asks: its "?" sentences, after the last "cho (em)
    hỏi", "xin hỏi" or "muốn hỏi"."""
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    asked = [s for s in sentences if s.rstrip().endswith("?")]
    if asked and len(asked) < len(sentences):
        words = expand(" ".join(asked))
    starts = [
        i + 1
        for i, w in enumerate(words[:-1])
        if w == "hoi" and i and (words[i - 1] in _ASK_BEFORE or words[max(0, i - 2)] == "cho")
    ]
    return words[starts[-1] :] if starts else words


@lru_cache(maxsize=8)
def detector_for(normaliser: Normaliser | None = None) -> AspectDetector:
    """The bundled table's detector, expanding abbreviations like `normaliser` does."""
    expand = abbreviation_expander(normaliser) if normaliser is not None else tokens
    return AspectDetector(load_table(), expand)


def detect(text: str, normaliser: Normaliser | None = None) -> str | None:
    """The aspect of `text` with the bundled table (see `AspectDetector.detect`)."""
    return detector_for(normaliser).detect(text)


# Vietnamese question words (folded) and the aspects they can ask about (None: any). A question
# word asks about the cue that holds it ("gồm những gì") or, as Vietnamese asks in place, the
# nearest cue before it that it fits: "lệ phí trích lục nộp ở xã là bao nhiêu" asks the fee,
# "bao nhiêu" does not fit "nộp ở". A cue no question word asks about only names the subject
# ("hồ sơ cấp phép trò chơi trên mạng gồm những gì" asks for documents, not online).
Fits = frozenset[str] | None
_QUANTITY = frozenset(["fee", "time", "who", "documents"])  # bao nhiêu tiền, ngày, tuổi, bản
_ASKING_PAIRS: dict[tuple[str, str], Fits] = {
    ("bao", "nhieu"): _QUANTITY,
    ("bao", "lau"): None,
    ("bao", "gio"): None,
    **{(w, "dau"): None for w in ("o", "di", "tai", "ve", "len", "den", "toi", "ra", "tu")},
    **{
        ("may", unit): _QUANTITY
        for unit in ("ngay", "hom", "tuan", "thang", "gio", "buoc", "tuoi", "lan", "ban", "nghin")
    },
}
_ASKING_WORDS = frozenset(["gi", "nao", "ai"])
# "thế nào", "ra sao" ask how something is: the cue before them in their part of the sentence
# ("lệ phí tính thế nào" asks the fee), else their own steps cue ("... thì làm thế nào").
_GENERIC_HOW = frozenset(
    [("the", "nao"), ("nhu", "nao"), ("cach", "nao"), ("ra", "sao"), ("lam", "sao")]
)
_COORDINATING = frozenset(["hay", "va", "or", "and"])


@dataclass(frozen=True)
class Mark:
    """A question word at `position`; `binds` says which cue it asks about: "in place" (the
    cue holding it, else the nearest fitting one before it), "forward" (the first cue from it),
    "generic" (see _GENERIC_HOW) or "alternative" (the cue before "hay")."""

    position: int
    fits: Fits = None
    binds: str = "in place"


def _marks(words: list[str]) -> list[Mark]:
    """The question words of a clause, in order."""
    found: list[Mark] = []
    for i, word in enumerate(words):
        pair = (words[i - 1], word) if i else ("", word)
        if pair in _GENERIC_HOW:
            found.append(Mark(i, binds="generic"))
        elif pair in _ASKING_PAIRS:
            found.append(Mark(i, _ASKING_PAIRS[pair]))
        elif word in _ASKING_WORDS:
            found.append(Mark(i))
        elif word == "hay" and i:
            found.append(Mark(i, binds="alternative"))
    return sorted([*found, *_yes_no(words)], key=lambda m: m.position)


def _yes_no(words: list[str]) -> list[Mark]:
    """A yes-no question asks about its predicate, what follows its last "có" before a
    "không"/"chưa" that ends the clause or comes before "hay"/"và" ("có được giữ bí mật không
    và nộp ở đâu"); without a "có", the cue before the "không"."""
    end = len(words)
    while end > 1 and words[end - 1] in _TRAILING:
        end -= 1
    found: list[Mark] = []
    for i, word in enumerate(words[:end]):
        if word in ("khong", "chua") and (i == end - 1 or words[i + 1] in _COORDINATING):
            co = [j for j, w in enumerate(words[:i]) if w == "co"]
            found.append(Mark(co[-1], binds="forward") if co else Mark(i))
    return found


def _bound(mark: Mark, strong: list[Hit], words: list[str]) -> Hit | None:
    """The cue a question word asks about (see Mark), or None."""
    inside = [h for h in strong if h.start <= mark.position < h.end]
    fitting = [h for h in strong if mark.fits is None or h.cue.aspect in mark.fits]
    before = [h for h in fitting if h.end <= mark.position]
    if mark.binds == "generic":
        return _generic_binding(mark.position, before, words) or next(iter(inside), None)
    if mark.binds == "alternative":
        return before[-1] if before else None
    if inside:
        return inside[0]
    if mark.binds == "forward":
        return next((h for h in fitting if h.start >= mark.position), None)
    return before[-1] if before else None


def _generic_binding(position: int, before: list[Hit], words: list[str]) -> Hit | None:
    """The cue before a "thế nào" (at `position`, its second word) and after the last "thì"."""
    topic = max((i for i, w in enumerate(words[:position]) if w == "thi"), default=-1)
    mine = [h for h in before if topic < h.start and h.end < position]
    return mine[-1] if mine else None


def _asked_aspect(strong: list[Hit], words: list[str]) -> str | None:
    """The aspect of the first cue in the clause a question word asks about, or None."""
    asked = [hit for mark in _marks(words) if (hit := _bound(mark, strong, words)) is not None]
    first = min(asked, key=lambda h: h.start, default=None)
    return first.cue.aspect if first is not None else None


# Where the noun a question word asks about may be: after an English "which/what" (before the
# verb), before a Vietnamese "nào"/"gì" (a few words back: "cơ quan có thẩm quyền nào").
_WH_FORWARD = frozenset(["which", "what"])
_WH_BACKWARD = frozenset(["nao", "gi"])
_HEAD_REACH = 4
_VERB_STOP = frozenset(
    [
        *("is", "are", "was", "do", "does", "did", "can", "should", "will", "would", "must"),
        *("to", "i", "we", "you", "he", "she", "they", "it", "la", "thi"),
    ]
)


def _asked_noun(
    words: list[str], position: int, heads: dict[tuple[str, ...], str]
) -> tuple[int, int, str] | None:
    """(start, end, aspect) of the span from a question word at `position` to the head noun it
    asks about, or None."""
    if words[position] in _WH_FORWARD:
        for start in range(position + 1, min(len(words), position + 1 + _HEAD_REACH)):
            if words[start] in _VERB_STOP:
                return None
            for head, aspect in heads.items():
                if tuple(words[start : start + len(head)]) == head:
                    return position, start + len(head), aspect
    if words[position] in _WH_BACKWARD:
        for end in range(position, max(0, position - _HEAD_REACH) - 1, -1):
            if end < position and words[end] in _VERB_STOP:
                return None
            for head, aspect in heads.items():
                if end >= len(head) and tuple(words[end - len(head) : end]) == head:
                    return end - len(head), position + 1, aspect
    return None
