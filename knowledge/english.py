"""English questions as comparable tokens: word families stemmed, spellings unified, and the
subject a question names also said the Vietnamese way.

The knowledge base's English samples are few per entry, so a question rarely uses a sample's very
words: "certifying copies" against "certified copy", "registering" against "registration".
Stemming (Snowball/Porter2: "certified", "certifying", "certify" → "certifi") lets word
families meet; the same stemming runs on the English samples and on the question, so both sides
agree. A text that is not English is left as it is (and Vietnamese chat teencode, "e", "r", "k",
is not expanded in an English text).

Translation: an entry has some twenty English samples but thirty-odd Vietnamese ones, so an
English question also carries, after each procedure name it uses ("ID card", "temporary
residence", "marital status"; data/english.yaml `terms`), that subject's Vietnamese wording
("can cuoc", "tam tru", "tinh trang hon nhan") and so meets the Vietnamese samples as well. Only
questions are translated, never the samples: a Vietnamese question then meets exactly the index
it met before.

Function words are kept: dropping them (tried) turns short chat ("are you single") into a bare
keyword that matches a procedure with confidence, and cost short-question accuracy on dev.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer  # type: ignore[import-untyped]
import yaml

from knowledge.normaliser import fold

DEFAULT_FILE = Path(__file__).parent / "data" / "english.yaml"


@dataclass(frozen=True)
class EnglishTable:
    """Spelling variants, and terms (folded token tuples → canonical tokens, which are kept as
    they are, not stemmed)."""

    spelling: dict[str, str]
    terms: dict[tuple[str, ...], tuple[str, ...]]


def load_table(path: Path = DEFAULT_FILE) -> EnglishTable:
    """Read and check an English table; a ValueError names what is wrong."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping")
    spelling = raw.get("spelling") or {}
    terms = raw.get("terms") or {}
    if not isinstance(spelling, dict) or not isinstance(terms, dict):
        raise ValueError(f"{path}: 'spelling' and 'terms' must be mappings")
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for canonical, variants in terms.items():
        if not isinstance(variants, list) or not variants:
            raise ValueError(f"{path}: term {canonical!r} needs a list of phrasings")
        target = tuple(fold(str(canonical)).split())
        for variant in variants:
            key = tuple(fold(str(variant)).split())
            if not key or not target:
                raise ValueError(f"{path}: empty phrasing under {canonical!r}")
            if key in table and table[key] != target:
                raise ValueError(f"{path}: {' '.join(key)!r} is listed under two terms")
            table[key] = target
    return EnglishTable(
        {fold(str(k)): fold(str(v)) for k, v in spelling.items()},
        table,
    )


class English:
    """Rewrites the folded tokens of an English text (see the module's docstring)."""

    def __init__(
        self,
        table: EnglishTable,
        is_english: Callable[[str], bool],
        keep: Iterable[str] = (),
    ) -> None:
        self.table = table
        self.keep = frozenset(keep)  # never stemmed: words the Vietnamese samples use too
        self.translate = False  # add the terms' Vietnamese wording (questions, not samples)
        self._is_english = lru_cache(maxsize=16384)(is_english)
        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}
        self._terms: dict[tuple[str, ...], tuple[str, ...]] = {}
        for key, target in table.terms.items():  # phrasings compared as stems
            self._terms.setdefault(self._stemmed(key), target)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for stems in self._terms:
            self._by_first.setdefault(stems[0], []).append(stems)
        for keys in self._by_first.values():
            keys.sort(key=len, reverse=True)

    def is_english(self, text: str) -> bool:
        """Whether `text` is to be read as English (the matcher's language detector)."""
        return self._is_english(text)

    def rewrite(
        self, words: Sequence[str], abbreviations: Mapping[str, str] | None = None
    ) -> list[str]:
        """Words stemmed, the Vietnamese wording added after each term when translating, the
        lexicon's abbreviations of three letters or
        more expanded ("cccd", "passport", "online": shared with the Vietnamese samples; the
        short chat ones, "e", "r", "ms", are English letters and titles here), the other words
        stemmed otherwise."""
        abbreviations = abbreviations or {}
        stems: list[str | tuple[str, ...]] = []  # a stem, or an abbreviation's expansion
        for word in (self.table.spelling.get(w, w) for w in words):
            expansion = abbreviations.get(word) if len(word) >= 3 else None
            stems.append(tuple(expansion.split()) if expansion is not None else self.stem(word))
        out: list[str] = []
        position = 0
        while position < len(stems):
            key = self._term_at(stems, position) if self.translate else None
            if key is not None:  # the English words stay: they meet the English samples
                out.extend(key)
                out.extend(self._terms[key])
                position += len(key)
                continue
            found = stems[position]
            out.extend(found if isinstance(found, tuple) else (found,))
            position += 1
        return out

    def _stemmed(self, words: Sequence[str]) -> tuple[str, ...]:
        return tuple(self.stem(self.table.spelling.get(w, w)) for w in words)

    def stem(self, word: str) -> str:
        """The word's Porter2 stem; digits, codes such as "ct07" and words the Vietnamese
        samples share ("sipas", "vneid") as they are."""
        if not word.isalpha() or len(word) < 4 or word in self.keep:
            return word
        found = self._stems.get(word)
        if found is None:
            found = self._stemmer.stemWord(word)
            if len(self._stems) < 100_000:
                self._stems[word] = found
        return found

    def _term_at(
        self, stems: Sequence[str | tuple[str, ...]], position: int
    ) -> tuple[str, ...] | None:
        first = stems[position]
        if isinstance(first, tuple):
            return None
        for key in self._by_first.get(first, ()):
            if tuple(stems[position : position + len(key)]) == key:
                return key
        return None
