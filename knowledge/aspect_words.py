"""Which cue a question word asks about, and the cues a question word makes by itself.

A cue only names a notion ("trên mạng", "lệ phí"); a question word says what is asked. In
Vietnamese it asks in place, about the cue that holds it or the nearest fitting one before it
("hồ sơ cấp phép trò chơi trên mạng gồm những gì" asks for documents, not online); a yes-no
question asks about what follows its "có". A "which/what" or "nào/gì" next to a noun asks about
the noun ("which private notary office", "vào trang nào"), and an age asks who may.
"""

from __future__ import annotations

from dataclasses import dataclass


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


# Words that may follow a question's last word ("... không ạ", "... sao vậy admin").
TRAILING = frozenset(
    ["a", "vay", "admin", "em", "chi", "anh", "minh", "oi", "ban", "nhe", "nha", "ne", "voi"]
)


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
    return sorted([*found, *yes_no_marks(words)], key=lambda m: m.position)


def yes_no_marks(words: list[str]) -> list[Mark]:
    """A yes-no question asks about its predicate, what follows its last "có" before a
    "không"/"chưa" that ends the clause or comes before "hay"/"và" ("có được giữ bí mật không
    và nộp ở đâu"); without a "có", the cue before the "không"."""
    end = len(words)
    while end > 1 and words[end - 1] in TRAILING:
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


def asked_aspect(strong: list[Hit], words: list[str]) -> str | None:
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


_AGE_BEFORE = frozenset(["under", "over", "below", "above", "aged"])
_NOT_AGE_AFTER = frozenset(
    ["days", "day", "months", "weeks", "vnd", "dong", "million", "thousand", "percent", "k"]
)


def _age_at(words: list[str], position: int) -> int | None:
    """The end of an age at `position`: a number and "tuổi" ("bé 3 tuổi", "đủ 14 tuổi"), or
    "under/over/aged" and a number ("a child under 14"); None when there is none."""
    if not words[position].isdigit() or position + 1 > len(words):
        return None
    after = words[position + 1] if position + 1 < len(words) else ""
    if after == "tuoi":
        return position + 2
    if position and words[position - 1] in _AGE_BEFORE and after not in _NOT_AGE_AFTER:
        return position + 1
    return None


def with_ages(words: list[str], found: list[Hit]) -> list[Hit]:
    """`found` with each age no cue covers as a strong who cue: an age asks who may, unless
    it comes before a "thì" and only describes the subject ("cho trẻ dưới 14 tuổi thì ...")."""
    taken = {i for h in found for i in range(h.start, h.end)}
    topic_end = max((i for i, w in enumerate(words) if w == "thi"), default=-1)
    for position in range(topic_end + 1, len(words)):
        end = _age_at(words, position)
        if end is not None and not taken & set(range(position, end)):
            found.append(Hit(Cue("who", tuple(words[position:end]), True), position))
    return sorted(found, key=lambda h: h.start)


def asked_noun(
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
