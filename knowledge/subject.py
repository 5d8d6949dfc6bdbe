"""What a question is about, apart from what it asks.

Administrative questions share boilerplate (hồ sơ, thủ tục, lệ phí, bao lâu, ở đâu, nộp, đăng ký…,
listed in data/generic.yaml). Those words say what is asked, never the subject. The rest of the
question's content words are its *subject words*; an entry may answer only when its own sample
questions account for the subject words, weighted by how rare each word is across entries. A word
no entry has ever used weighs the most, so a question about anything the knowledge base has never
heard of is declined by construction, without a list of forbidden topics.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.normaliser import Normaliser, fold, has_vietnamese_marks
from knowledge.schema import Entry, KnowledgeBase

GENERIC_FILE = Path(__file__).parent / "data" / "generic.yaml"


@dataclass(frozen=True)
class SubjectFit:
    """How well one entry accounts for a question's subject words."""

    words: tuple[str, ...]  # the question's subject words
    cover: float  # IDF-weighted share of the subject words the entry uses (1.0 when none)
    unknown: float  # IDF-weighted share of subject words no entry uses at all
    pairs: float = 1.0  # share of the question's word pairs around subject words the entry uses


def load_generic(
    path: Path = GENERIC_FILE, section: str = "phrases"
) -> tuple[tuple[str, ...], ...]:
    """The boilerplate phrases (folded token tuples) of one section, longest first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    phrases = {tuple(fold(str(p)).split()) for p in data.get(section) or []}
    return tuple(sorted((p for p in phrases if p), key=lambda p: (-len(p), p)))


PhraseTable = dict[str, list[tuple[tuple[str, ...], bool]]]


def phrase_table(
    phrases: Iterable[tuple[str, ...]], keep: Iterable[tuple[str, ...]] = ()
) -> PhraseTable:
    """The phrases (True: kept whole) by first word, kept phrases first: built once per set of
    phrases (a `SubjectModel` builds its own at start-up)."""
    table: PhraseTable = {}
    for phrase in keep:
        table.setdefault(phrase[0], []).append((phrase, True))
    for phrase in phrases:
        table.setdefault(phrase[0], []).append((phrase, False))
    return table


def strip_phrases(
    words: Sequence[str],
    phrases: Iterable[tuple[str, ...]],
    keep: Iterable[tuple[str, ...]] = (),
) -> list[str]:
    """`words` with every occurrence of the phrases removed (longest phrase first); a `keep`
    phrase (a compound made of boilerplate words, "thông báo", "xã hội") stays whole."""
    return [word for word, _ in _strip(words, phrase_table(phrases, keep))]


def _strip(words: Sequence[str], table: PhraseTable) -> list[tuple[str, bool]]:
    """The words left, each marked True when it belongs to a kept compound."""
    kept: list[tuple[str, bool]] = []
    position = 0
    while position < len(words):
        for phrase, keeps in table.get(words[position], ()):
            if tuple(words[position : position + len(phrase)]) == phrase:
                if keeps:
                    kept.extend((word, True) for word in phrase)
                position += len(phrase)
                break
        else:
            kept.append((words[position], False))
            position += 1
    return kept


class SubjectModel:
    """Subject words of a question and each entry's vocabulary, with IDF weights over entries."""

    def __init__(
        self,
        kb: KnowledgeBase,
        normaliser: Normaliser,
        phrases: tuple[tuple[str, ...], ...] | None = None,
    ) -> None:
        self.phrases = load_generic() if phrases is None else phrases
        self.compounds = load_generic(section="compounds") if phrases is None else ()
        english = {*self.phrases, *load_generic(section="english_only")}
        if normaliser.english is not None:  # English questions are stemmed: so is boilerplate
            english |= {tuple(normaliser.english.rewrite(p)) for p in english}
        self.english = tuple(sorted((p for p in english if p), key=lambda p: -len(p)))
        self._tables = {
            "vi": phrase_table(self.phrases, self.compounds),
            "en": phrase_table(self.english),
        }
        self.stopwords = kb.lexicon.stopwords
        self.normaliser = normaliser
        self.vocabulary = {e.id: self._entry_words(e) for e in kb.entries.values()}
        self.pairs = {e.id: self._entry_pairs(e) for e in kb.entries.values()}
        # Words an entry's samples use only as the purpose of what is asked ("giấy xác nhận độc
        # thân để mua nhà ở xã hội"): they say what the paper is for, not that the entry is
        # about them, so they account for a question only where it too names them as a purpose.
        self.purposes = {e.id: self._entry_purposes(e) for e in kb.entries.values()}
        self.stems = {
            e.id: frozenset(
                _stem(w) for q in e.questions.get("en", []) for w in normaliser.expand(q)
            )
            for e in kb.entries.values()
        }
        # Entries whose subject is the boilerplate itself ("nộp hồ sơ online ở đâu", "hi ad"):
        # one of their own sample questions has no subject words. Only these may answer a
        # question that names no subject; "lệ phí bao nhiêu?" is never the marriage entry's.
        self.subjectless = frozenset(
            e.id
            for e in kb.entries.values()
            if any(not self.words(normaliser.expand(q)) for qs in e.questions.values() for q in qs)
        )
        frequency: Counter[str] = Counter(w for ws in self.vocabulary.values() for w in ws)
        total = max(len(self.vocabulary), 1)
        self.idf = {w: math.log(1 + total / df) for w, df in frequency.items()}
        self.unknown_idf = math.log(1 + total / 0.5)

    def _entry_words(self, entry: Entry) -> frozenset[str]:
        texts = [q for qs in entry.questions.values() for q in qs] + list(entry.title.values())
        texts += [t for v in entry.variants for ts in v.triggers.values() for t in ts]
        return frozenset(w for text in texts for w in self.normaliser.expand(text))

    def _entry_purposes(self, entry: Entry) -> frozenset[str]:
        texts = [q for qs in entry.questions.values() for q in qs] + list(entry.title.values())
        main: set[str] = set()
        purpose: set[str] = set()
        for text in texts:
            said, wanted = split_purpose(text)
            main.update(self.normaliser.expand(said))
            purpose.update(self.normaliser.expand(wanted))
        return frozenset(purpose - main)

    def purpose_words(self, text: str) -> frozenset[str]:
        """The words of `text` that name what it is for (`split_purpose`)."""
        return frozenset(self.normaliser.expand(split_purpose(text)[1]))

    def _entry_pairs(self, entry: Entry) -> frozenset[tuple[str, str]]:
        texts = [q for qs in entry.questions.values() for q in qs] + list(entry.title.values())
        return frozenset(p for text in texts for p in _pairs(self.normaliser.expand(text)))

    def subject_pairs(self, expanded: Sequence[str]) -> tuple[tuple[str, str], ...]:
        """Neighbouring word pairs of the question that involve a subject word."""
        subject = set(self.words(expanded))
        return tuple(p for p in _pairs(expanded) if p[0] in subject or p[1] in subject)

    def pair_share(self, entry_id: str, pairs: Sequence[tuple[str, str]]) -> float:
        """Share of `pairs` found in the entry's own sample questions (1.0 when none)."""
        if not pairs:
            return 1.0
        own = self.pairs.get(entry_id, frozenset())
        return sum(1 for p in pairs if p in own) / len(pairs)

    def words(self, expanded: Sequence[str], lang: str = "vi") -> tuple[str, ...]:
        """The subject words of an expanded (folded, abbreviation-expanded) question; English
        questions also drop the English function words that fold like Vietnamese words."""
        content = _strip(expanded, self._tables["en" if lang == "en" else "vi"])
        return tuple(
            w for w, whole in content if whole or (w not in self.stopwords and not w.isdigit())
        )

    def weight(self, word: str) -> float:
        """How much a subject word says (rare across entries: much; unknown: most)."""
        return self.idf.get(word, self.unknown_idf)

    def fit(
        self,
        entry_id: str,
        words: Sequence[str],
        lang: str = "vi",
        purposes: frozenset[str] | None = None,
    ) -> SubjectFit:
        """How much of the subject words `entry_id` accounts for (a typo counts when its
        repaired form is the entry's own word; in English, a word sharing its stem). Given the
        question's `purposes` (`purpose_words`), a word the entry uses only as a purpose counts
        only when the question uses it as one too."""
        if not words:
            return SubjectFit((), 1.0, 0.0)
        own = self.vocabulary.get(entry_id, frozenset())
        stems = self.stems.get(entry_id, frozenset()) if lang == "en" else frozenset()
        only_purpose = self.purposes.get(entry_id, frozenset()) if purposes is not None else ()

        def has(word: str) -> bool:
            if word in only_purpose and purposes is not None and word not in purposes:
                return False
            return word in own or self.normaliser.repair(word) in own or _stem(word) in stems

        total = sum(self.weight(w) for w in words)
        covered = sum(self.weight(w) for w in words if has(w))
        unknown = sum(self.weight(w) for w in words if w not in self.idf)
        return SubjectFit(tuple(words), covered / total, unknown / total)


_PURPOSE_CLAUSE = re.compile(r"[,.;!?\n]|\b(?:thì|thi|mà|nhưng|nhung|hay|hoặc)\b")
_PURPOSE_NOT_AFTER = frozenset({"sao", "gi", "dau", "nao", "dung", "the", "nhu"})


def split_purpose(text: str) -> tuple[str, str]:
    """`text` cut into what it says and what it is for: the words after "để" to the end of
    their clause ("… độc thân để vay ngân hàng mua nhà"), unless "để" names the procedure
    itself ("làm sao để khai tử", "mang gì để chứng thực", "dùng để"). Without marks, "de" is
    taken as "để" except before "nghị" (đề nghị)."""
    marked = has_vietnamese_marks(text)
    said: list[str] = []
    wanted: list[str] = []
    for clause in _PURPOSE_CLAUSE.split(text.lower()):
        words = clause.split()
        cut = len(words)
        for i, word in enumerate(words):
            if (word == "để") if marked else (fold(word) == "de"):
                after = fold(" ".join(words[i + 1 : i + 2]))
                before = fold(" ".join(words[i - 1 : i])) if i else ""
                if after and after != "nghi" and before not in _PURPOSE_NOT_AFTER:
                    cut = i
                    break
        said.append(" ".join(words[:cut]))
        wanted.append(" ".join(words[cut + 1 :]))
    return " ".join(said), " ".join(wanted)


def _stem(word: str) -> str:
    """A crude English stem (marry, married, marriage → marr), enough to compare word families."""
    return word[:4] if len(word) >= 5 else word


def _pairs(words: Sequence[str]) -> list[tuple[str, str]]:
    return [(words[i], words[i + 1]) for i in range(len(words) - 1)]
