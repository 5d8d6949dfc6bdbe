"""English questions as comparable tokens: word families stemmed, spellings unified, and the many
English names of one procedure as one wording.

The knowledge base's English samples are few per entry, so a question rarely uses a sample's very
words: "certifying copies" against "certified copy", "registering" against "registration".
Stemming (Snowball/Porter2: "certified", "certifying", "certify" → "certifi") lets word
families meet. The terms table (data/english.yaml) maps the English phrasings of one procedure
to one wording ("ID card", "citizen identity card" → one term).

Function words are kept: dropping them (tried) turns short chat ("are you single") into a bare
keyword that matches a procedure with confidence, and cost short-question accuracy on dev.

The same rewriting runs on the knowledge base's English samples and on the question, so both
sides always agree; a text that is not English is left as it is (Vietnamese teencode "e", "r",
"k" is not expanded in an English text either).
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
        self._is_english = lru_cache(maxsize=16384)(is_english)
        self._stemmer = snowballstemmer.stemmer("english")
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in table.terms:
            self._by_first.setdefault(key[0], []).append(key)
        for keys in self._by_first.values():
            keys.sort(key=len, reverse=True)
        self._stems: dict[str, str] = {}

    def is_english(self, text: str) -> bool:
        """Whether `text` is to be read as English (the matcher's language detector)."""
        return self._is_english(text)

    def rewrite(
        self, words: Sequence[str], abbreviations: Mapping[str, str] | None = None
    ) -> list[str]:
        """Terms to their canonical wording, the lexicon's abbreviations of three letters or
        more expanded ("cccd", "passport", "online": shared with the Vietnamese samples; the
        short chat ones, "e", "r", "ms", are English letters and titles here), the other words
        stemmed."""
        abbreviations = abbreviations or {}
        spelled = [self.table.spelling.get(w, w) for w in words]
        out: list[str] = []
        position = 0
        while position < len(spelled):
            key = self._term_at(spelled, position)
            if key is not None:
                out.extend(self.table.terms[key])
                position += len(key)
                continue
            word = spelled[position]
            position += 1
            expansion = abbreviations.get(word) if len(word) >= 3 else None
            if expansion is not None:
                out.extend(expansion.split())
            else:
                out.append(self.stem(word))
        return out

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

    def _term_at(self, words: Sequence[str], position: int) -> tuple[str, ...] | None:
        for key in self._by_first.get(words[position], ()):
            if tuple(words[position : position + len(key)]) == key:
                return key
        return None
