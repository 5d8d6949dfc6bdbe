"""A search index over sample questions: n-gram prefilter, then a rapidfuzz rerank.

Each intent (knowledge-base entry) is represented twice: by a TF-IDF centroid of all its sample
questions' word unigrams and bigrams (generalises to new wordings), and by the samples themselves
(rapidfuzz similarity catches near-verbatim questions and typos). Rare n-grams select a few
candidate intents through an inverted index; an n-gram in more than POSTING_CAP intents never
selects, so the cost per query stays flat as the knowledge base grows; only the candidates are
scored in full.

Storage is compact (see knowledge/packing.py): n-grams are integer ids, and the centroids, the
per-sample vectors and the postings are flat `array`s, so memory grows by a few bytes per n-gram
occurrence instead of a Python object per weight.

The search runs per message, so its inner loops avoid what costs more than the arithmetic they
guard: `zip(..., strict=True)` parses its keyword on every call (about as costly as the short
loop it drives; the zipped sequences are built to the same length, hence `noqa: B905`), frozen
dataclasses set each field through `object.__setattr__`, and `heapq.nlargest` runs in Python.
Every change there keeps the floating-point operations and their order, so the ranking is bit
for bit the same (bench/match_dump.py --synthetic checks it).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from rapidfuzz import fuzz, process

from knowledge.normaliser import Normaliser
from knowledge.packing import BIGRAM_WEIGHT, Packed, features, pack

__all__ = ["Index", "Scored", "features"]

MAX_CANDIDATES = 24
POSTING_CAP = 50  # an n-gram in more intents than this is too common to select candidates
SCAN_PER_CANDIDATE = 8  # a common n-gram's posting is scanned when it is at most this long


@dataclass(frozen=True)
class Scored:
    """One intent's similarity to a query: the combined score and the parts it is made of."""

    intent: str
    score: float  # 0..1, the calibrated combination of the parts below
    cosine: float  # query vs the intent's TF-IDF centroid
    best: float  # query vs the intent's closest sample question (TF-IDF cosine)
    cover: float  # share of the query's weight (IDF) that the intent's own words account for
    fuzzy: float  # rapidfuzz token_sort_ratio to the closest sample, 0..1
    known: float  # share of the query's content words the knowledge base knows (before repair)


# Ranking model: logistic weights over the parts, fitted by `cchc-bot calibrate` on the dev set.
WEIGHTS = {"cosine": 3.89, "best": 5.74, "cover": 2.98, "fuzzy": 0.47, "known": -1.45}
BIAS = -4.58
RERANK = 8


class _Query(NamedTuple):
    """A query's known n-grams (ids, unit TF-IDF weights, IDF weights) and its total IDF."""

    ids: list[int]
    unit: list[float]
    idf: list[float]
    total: float


class Index:
    """Inverted index plus per-intent TF-IDF centroids, sample vectors and vocabularies."""

    def __init__(self, normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self.stopwords = normaliser.lexicon.stopwords
        self.intents: list[str] = []
        self.samples: list[list[str]] = []  # each intent's samples, words sorted (token_sort)
        self.vocabulary: frozenset[str] = frozenset()
        self.packed = Packed()

    @classmethod
    def build(cls, items: Iterable[tuple[str, str]], normaliser: Normaliser) -> Index:
        """Index (intent id, sample question) pairs."""
        index = cls(normaliser)
        grouped: dict[str, list[list[str]]] = {}
        words: dict[str, str] = {}  # one string object per distinct word, however often it occurs
        for intent, question in items:
            expanded = [words.setdefault(w, w) for w in normaliser.expand(question)]
            grouped.setdefault(intent, []).append(expanded)
        index.vocabulary = frozenset(words)
        normaliser.set_vocabulary(index.vocabulary)
        index.intents = list(grouped)
        index.samples = [
            sorted({" ".join(sorted(q)) for q in questions}) for questions in grouped.values()
        ]
        # Each intent's word lists are let go as soon as they are counted: a lower peak.
        consumed = (grouped.pop(intent) for intent in index.intents)
        index.packed = pack(consumed, index.vocabulary, index.stopwords, POSTING_CAP)
        return index

    def search(
        self, words: Sequence[str], raw_words: Sequence[str] | None = None, limit: int = 5
    ) -> list[Scored]:
        """Intents most similar to the normalised `words`, best first.

        `raw_words` are the words before typo repair; they tell how much of the question the
        knowledge base really knows (repair can make any word look familiar).
        """
        query = self._query(words)
        if not query.ids:
            return []
        known = self._known(raw_words if raw_words is not None else words)
        centroids, unit = self.packed.weight, query.unit
        ranked = []
        for position, found in self._candidates(query):
            cosine = sum([w * centroids[k] for w, k in zip(unit, found) if k >= 0])  # noqa: B905
            ranked.append((cosine, position, found))
        ranked.sort(reverse=True)  # by cosine, then position: positions are distinct
        text = " ".join(sorted(words))
        weights = WEIGHTS
        w_cosine, w_best, w_cover = weights["cosine"], weights["best"], weights["cover"]
        w_fuzzy, w_known = weights["fuzzy"], weights["known"]
        idf, total, samples = query.idf, query.total, self.samples
        parts = []
        for cosine, position, found in ranked[:RERANK]:
            best = self._best_sample(unit, found, position)
            cover = sum([w for w, k in zip(idf, found) if k >= 0]) / total  # noqa: B905
            match = process.extractOne(text, samples[position], scorer=fuzz.ratio)
            fuzzy = match[1] / 100 if match else 0.0
            terms = [w_cosine * cosine, w_best * best, w_cover * cover, w_fuzzy * fuzzy]
            terms.append(w_known * known)  # summed in WEIGHTS' order, as calibrated
            score = _sigmoid(BIAS + sum(terms))
            parts.append((score, position, cosine, best, cover, fuzzy))
        parts.sort(key=_score, reverse=True)
        intents = self.intents
        return [
            _scored(intents[position], score, cosine, best, cover, fuzzy, known)
            for score, position, cosine, best, cover, fuzzy in parts[:limit]
        ]

    def prefilter_cost(self, words: Sequence[str]) -> int:
        """Posting entries the prefilter visits for `words` (the benchmark reports it)."""
        query = self._query(words)
        return sum(self.packed.frequency(query.ids[i]) for i in self._selecting(query))

    def _query(self, words: Sequence[str]) -> _Query:
        """Look the query's n-grams (`features`, in its order) up: unit TF-IDF weights of the
        known ones, IDF of all."""
        stopwords, packed = self.stopwords, self.packed
        counts: dict[str | tuple[str, str], int] = {}
        for word in words:
            if word not in stopwords:
                counts[word] = counts.get(word, 0) + 1
        for pair in pairwise(words):
            if pair[0] not in stopwords or pair[1] not in stopwords:
                counts[pair] = counts.get(pair, 0) + 1
        ids, raw, idf, every = [], [], [], []
        table, unknown = packed.idf, packed.unknown_idf
        number, unigram, keys = packed.words.get, packed.unigram, packed.gram_keys
        first_bigram, grams = packed.first_bigram, len(packed.gram_keys)
        for gram, count in counts.items():
            bigram = isinstance(gram, tuple)
            if bigram:  # packed.bigram_id, inline: this runs for every n-gram of every query
                left, right = number(gram[0]), number(gram[1])
                gid = -1
                if left is not None and right is not None:
                    key = (left + 1) << 32 | right
                    at = bisect_left(keys, key, first_bigram)
                    if at < grams and keys[at] == key:
                        gid = at
            else:
                found = number(gram)  # type: ignore[arg-type]
                gid = -1 if found is None else unigram[found]
            weight = table[gid] if gid >= 0 else unknown
            if bigram:
                weight *= BIGRAM_WEIGHT
            every.append(weight)
            if gid < 0:
                continue
            ids.append(gid)
            idf.append(weight)
            tf = (1 + math.log(count)) * table[gid]
            raw.append(tf * BIGRAM_WEIGHT if bigram else tf)
        norm = math.sqrt(sum([v * v for v in raw]))
        unit = [v / norm for v in raw] if norm else []
        return _Query(ids if norm else [], unit, idf if norm else [], sum(every) or 1.0)

    def _best_sample(self, unit: list[float], found: list[int], position: int) -> float:
        """Cosine between the query (unit weights) and the intent's closest sample question."""
        packed = self.packed
        starts, numbers, weights = packed.sample_start, packed.sample_no, packed.sample_weight
        # Every weight is positive, so a sample sharing nothing (0.0) never changes the max.
        dots = [0.0] * packed.sample_count[position]
        for weight, k in zip(unit, found):  # noqa: B905
            if k < 0:
                continue
            start, end = starts[k], starts[k + 1]
            if end - start == 1:  # most bigrams occur in one sample: no slices
                dots[numbers[start]] += weight * weights[start]
                continue
            for number, sample_weight in zip(numbers[start:end], weights[start:end]):  # noqa: B905
                dots[number] += weight * sample_weight
        return max(dots, default=0.0)

    def _selecting(self, query: _Query) -> list[int]:
        """The query n-grams (by number) that select candidates: the rarer ones (the common ones
        would visit everything); when there are only common ones, the three rarest."""
        starts = self.packed.posting_start
        frequency = [starts[g + 1] - starts[g] for g in query.ids]
        rare = [i for i, f in enumerate(frequency) if f <= POSTING_CAP]
        return rare or sorted(range(len(frequency)), key=frequency.__getitem__)[:3]

    def _candidates(self, query: _Query) -> list[tuple[int, list[int]]]:
        """Intents sharing the query's selecting n-grams, most shared weight first, each with
        its centroid entry for every query n-gram (-1 when absent).

        Scanning a posting already tells where the n-gram sits in each intent it visits, so only
        the common n-grams are looked up, and only in the candidates."""
        packed = self.packed
        posting, posting_entry, posting_start = (
            packed.posting,
            packed.posting_entry,
            packed.posting_start,
        )
        totals: dict[int, float] = {}
        found: dict[int, list[int]] = {}
        selecting = self._selecting(query)
        ids, unit = query.ids, query.unit
        size = len(ids)
        for i in selecting:
            weight = unit[i]
            start, end = posting_start[ids[i]], posting_start[ids[i] + 1]
            visited = zip(posting[start:end], posting_entry[start:end])  # noqa: B905
            for position, k in visited:
                entries = found.get(position)
                if entries is None:
                    totals[position] = weight
                    entries = found[position] = [-1] * size
                else:
                    totals[position] += weight
                entries[i] = k
        # heapq.nlargest's documented equivalent (ties in visiting order), sorted in C
        best = sorted(totals, key=totals.__getitem__, reverse=True)[:MAX_CANDIDATES]
        chosen = set(selecting)
        common = [i for i in range(size) if i not in chosen]
        picked = {position: found[position] for position in best}
        if common:
            self._look_up(ids, common, picked)
        return list(picked.items())

    def _look_up(self, ids: list[int], common: list[int], picked: dict[int, list[int]]) -> None:
        """Fill in where each common query n-gram (by number) sits in each candidate intent's
        centroid, the cheapest way for its frequency: a very common one has a per-intent table;
        one in fewer intents than a few per candidate is found by scanning its posting (sorted
        by intent, where the scan meets a candidate it tells the entry); else a binary search
        in each candidate's sorted n-grams. All three give the same entry."""
        packed = self.packed
        starts, posting, posting_entry = packed.posting_start, packed.posting, packed.posting_entry
        grams, intent_start, dense = packed.gram, packed.intent_start, packed.dense
        scan = SCAN_PER_CANDIDATE * len(picked)
        for i in common:
            gid = ids[i]
            table = dense.get(gid)
            if table is not None:
                for position, entries in picked.items():
                    k = table[position]
                    if k >= 0:
                        entries[i] = k
                continue
            start, end = starts[gid], starts[gid + 1]
            if end - start <= scan:
                for position, k in zip(posting[start:end], posting_entry[start:end]):  # noqa: B905
                    hit = picked.get(position)
                    if hit is not None:
                        hit[i] = k
                continue
            for position, entries in picked.items():
                lo, hi = intent_start[position], intent_start[position + 1]
                k = bisect_left(grams, gid, lo, hi)
                if k < hi and grams[k] == gid:
                    entries[i] = k

    def _known(self, words: Sequence[str]) -> float:
        """Share of the query's content words that the knowledge base knows at all."""
        content = [w for w in words if w not in self.stopwords]
        if not content:
            return 1.0
        return sum(1 for w in content if w in self.vocabulary) / len(content)


def _score(part: tuple[float, ...]) -> float:
    return part[0]


def _scored(
    intent: str, score: float, cosine: float, best: float, cover: float, fuzzy: float, known: float
) -> Scored:
    """`Scored(...)` without the frozen dataclass's `__init__`, which sets each field through
    `object.__setattr__` (a twentieth of a search): the same fields, set in one step."""
    scored = object.__new__(Scored)
    vars(scored).update(
        intent=intent, score=score, cosine=cosine, best=best, cover=cover, fuzzy=fuzzy, known=known
    )
    return scored


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))
