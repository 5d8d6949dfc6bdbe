"""Turn what citizens type into comparable tokens.

Folding removes case and Vietnamese diacritics (đ → d), so "Làm CCCD ở đâu?" and "lam cccd o dau"
become the same. The lexicon then expands teencode and abbreviations (ko → khong, cccd → can cuoc
cong dan) and maps synonymous phrases to one wording; `Normaliser.repair` fixes typing slips
against the knowledge base's own vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Protocol, TypeVar

from rapidfuzz.distance import OSA

from knowledge.schema import Lexicon

T = TypeVar("T")


class EnglishRewriter(Protocol):
    """What the normaliser needs of knowledge.english.English."""

    def is_english(self, text: str) -> bool: ...

    def rewrite(
        self, words: Sequence[str], abbreviations: Mapping[str, str] | None = None
    ) -> list[str]: ...


_TOKEN = re.compile(r"[a-z0-9]+")
_TELEX_TONE = re.compile(r"^([a-z]*[aeiouy][a-z]*?)([sfrxj])$")
# Teencode spellings of a Vietnamese word, tried in order on a word the knowledge base does not
# know (folded form, so "mún" is "mun"): the first rewrite that gives a known Vietnamese word
# wins. Only spellings that a real word cannot have are rewritten: vowel changes ("mún" muốn,
# "bít" biết) would also turn real words into others ("gái" into "gãy", "chịu" into "chiều",
# "túi" into "tôi"), so those few teencode words are abbreviations in lexicon.yaml instead; and
# endings English shares ("thank", "check") are left alone.
_TEEN_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(.)\1{2,}", r"\1"),  # "khongggg", "nhaaa": a letter held down
        (r"(.)\1+", r"\1"),  # "dcc", "vayy"
        (r"^f", "ph"),  # fí → phí
        (r"^w", "qu"),  # wá → quá, wen → quen
        (r"^j", "gi"),  # jấy → giấy
        (r"^dz", "d"),
        (r"^dz", "v"),  # dzậy → vậy
        (r"^dz", "gi"),
        (r"^z", "d"),
        (r"^z", "v"),  # zậy → vậy
        (r"^z", "gi"),  # zờ → giờ
        (r"^k(?=[aou])", "c"),  # kần → cần
        (r"(?<=[aeiouy])g$", "ng"),  # đăg → đăng, khôg → không
        (r"(?<=[aeiouy])j$", "i"),  # ruj → rùi
    )
)
_GLUED = re.compile(r"^(\d+)([a-z]+)$")  # "14t", "2th": a number glued to its unit
_UNITS = {"t": "tuoi", "th": "thang", "h": "gio", "ng": "ngay", "k": "nghin", "tr": "trieu"}
_VN_MARKS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase, drop diacritics (đ → d) and turn everything but letters and digits to spaces."""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d").replace("ð", "d")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return " ".join(_TOKEN.findall(stripped))


def tokens(text: str) -> list[str]:
    """Folded word tokens of `text`."""
    return fold(text).split()


def has_vietnamese_marks(text: str) -> bool:
    """True when the text uses letters only Vietnamese writes (ă, ơ, ư, đ, tone marks...)."""
    lowered = unicodedata.normalize("NFC", text).lower()
    return any(ch in _VN_MARKS for ch in lowered)


class Normaliser:
    """Folds, expands abbreviations and phrases, and repairs typos against a vocabulary."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._phrases = sorted(lexicon.phrases.items(), key=lambda kv: -len(kv[0]))
        # The phrases as `expand` looks for them: padded, with the first word a text must hold
        # for the phrase to occur (None: looked for in every text), which is never one another
        # phrase's wording brings in.
        brought = {w for canonical in lexicon.phrases.values() for w in canonical.split()}
        self._padded = [
            (_first_word(phrase, brought), f" {phrase} ", f" {canonical} ")
            for phrase, canonical in self._phrases
        ]
        self._vocabulary: frozenset[str] = frozenset()
        self._neighbours: dict[str, list[str]] = {}
        self._repairs: dict[str, str] = {}
        self._teencode: dict[str, list[str]] = {}
        self._kept: frozenset[str] = lexicon.stopwords
        self._targets: frozenset[str] | None = None
        self._pairs: frozenset[tuple[str, str]] = frozenset()
        # Set by the matcher (knowledge/english.py): rewrites the tokens of an English text.
        self.english: EnglishRewriter | None = None

    def keep(self, words: Iterable[str]) -> None:
        """Words that are never read as teencode though the knowledge base does not use them
        (boilerplate such as "giùm" must not become "giống"); the stopwords always are."""
        self._kept = self.lexicon.stopwords | frozenset(words)
        self._teencode = {}

    def teencode_targets(
        self, words: Iterable[str], pairs: Iterable[tuple[str, str]] = ()
    ) -> None:
        """The words teencode may be read as (the Vietnamese ones: "zone" is not "done"),
        by default the whole vocabulary; and the word pairs a run-together word may be split
        into ("khaisinh" is "khai sinh" when the knowledge base says "khai sinh")."""
        self._targets = frozenset(words)
        self._pairs = frozenset(pairs)
        self._teencode = {}

    def set_vocabulary(self, words: Iterable[str]) -> None:
        """Words typo repair may correct towards (the knowledge base's own words)."""
        self._vocabulary = frozenset(words)
        # Every word one slip (OSA distance 1) away from a typed word shares one of these keys
        # with it: the word itself or the word with one letter dropped (as in SymSpell).
        self._neighbours = {}
        for word in self._vocabulary:
            for key in _one_dropped(word):
                self._neighbours.setdefault(key, []).append(word)
        self._repairs = {}
        self._teencode = {}

    def expand(self, text: str) -> list[str]:
        """Folded tokens with abbreviations expanded and synonymous phrases mapped."""
        words: list[str] = []
        abbreviations = self.lexicon.abbreviations
        if self.english is not None and self.english.is_english(text):
            words = self.english.rewrite(tokens(text), abbreviations)
        else:
            for token in tokens(text):
                if token in abbreviations:
                    words.extend(abbreviations[token].split())
                elif (
                    self._vocabulary and token not in self._vocabulary and token not in self._kept
                ):
                    words.extend(self.unteen(token))
                else:
                    words.append(token)
        if not self._phrases:
            return words
        joined = f" {' '.join(words)} "
        typed = set(words)
        for first, phrase, canonical in self._padded:
            if (first is None or first in typed) and phrase in joined:
                joined = joined.replace(phrase, canonical)
        return joined.split()

    def unteen(self, token: str) -> list[str]:
        """A word the knowledge base does not know, read as teencode when a rewrite makes it a
        known word or abbreviation ("mún" → "muon", "zậy" → "vay", "14t" → "14 tuoi");
        otherwise the word itself."""
        return _memo(self._teencode, token, self._unteen)

    def _unteen(self, token: str) -> list[str]:
        glued = _GLUED.match(token)
        if glued and glued.group(2) in _UNITS:
            return [glued.group(1), _UNITS[glued.group(2)]]
        if len(token) < 2 or token.isdigit():
            return [token]
        abbreviations = self.lexicon.abbreviations
        targets = self._vocabulary if self._targets is None else self._targets
        seen = {token}
        frontier = [token]
        for _ in range(2):  # at most two rewrites ("dzui" → "vui" is one, "fảj" → "phải" two)
            following: list[str] = []
            for word in frontier:
                for pattern, replacement in _TEEN_RULES:
                    rewritten = pattern.sub(replacement, word, count=1)
                    if rewritten in seen or len(rewritten) < 2:
                        continue
                    if rewritten in targets:
                        return [rewritten]
                    if rewritten in abbreviations:
                        return abbreviations[rewritten].split()
                    seen.add(rewritten)
                    following.append(rewritten)
            frontier = following
        for cut in range(2, len(token) - 1):  # two words typed without the space between
            if (token[:cut], token[cut:]) in self._pairs:
                return [token[:cut], token[cut:]]
        return [token]

    def normalise(self, text: str) -> list[str]:
        """Tokens ready for matching: expanded, then repaired against the vocabulary."""
        return [self.repair(word) for word in self.expand(text)]

    def repair(self, word: str) -> str:
        """The vocabulary word `word` was probably meant to be (itself when unsure)."""
        if not self._vocabulary or word in self._vocabulary or len(word) < 4 or word.isdigit():
            return word
        return _memo(self._repairs, word, self._repair)

    def _repair(self, word: str) -> str:
        telex = _TELEX_TONE.match(word)  # "sinhf": a Telex tone key left behind
        if telex and telex.group(1) in self._vocabulary:
            return telex.group(1)
        # A slip rarely hits both ends of a word: the fix keeps the first or the last letter.
        # Among equally close words the alphabetically first wins, so the result is stable.
        pool = {
            candidate
            for key in _one_dropped(word)
            for candidate in self._neighbours.get(key, ())
            if candidate[0] == word[0] or candidate[-1] == word[-1]
        }
        found = [c for c in pool if OSA.distance(word, c, score_cutoff=1) <= 1]
        return min(found) if found else word


def _first_word(phrase: str, brought: set[str]) -> str | None:
    """The word a text must have typed for `phrase` to occur in it, or None when the phrase may
    occur anyway (its first word comes with another phrase's wording, or it has no words)."""
    words = phrase.split()
    return None if not words or words[0] in brought else words[0]


def _one_dropped(word: str) -> set[str]:
    """The word and every way of dropping one of its letters."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


_MEMO_LIMIT = 100_000  # words kept per cache; past it, new words are computed each time


def _memo(cache: dict[str, T], key: str, compute: Callable[[str], T]) -> T:
    """`compute(key)`, kept in the bounded `cache` (a pure function of the word)."""
    cached = cache.get(key)
    if cached is not None:
        return cached
    found = compute(key)
    if len(cache) < _MEMO_LIMIT:
        cache[key] = found
    return found
