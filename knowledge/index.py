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
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.normaliser import Normaliser
from knowledge.packing import BIGRAM_WEIGHT, Packed, features, pack

__all__ = ["Index", "Scored", "features"]

MAX_CANDIDATES = 24
POSTING_CAP = 50  # an n-gram in more intents than this is too common to select candidates


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


@dataclass(frozen=True)
class _Query:
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
        index.packed = pack(consumed, index.vocabulary, index.stopwords)
        return index

    def search(
        self, words: Sequence[str], raw_words: Sequence[str] | None = None, limit: int = 5
    ) -> list[Scored]:
        """Intents most similar to the normalised `words`, best first.

        `raw_words` are the words before typo repair; they tell how much of the question the
        knowledge base really knows (repair can make any word look familiar).
        """
        grams = features(words, self.stopwords)
        if not grams:
            return []
        query = self._query(grams)
        known = self._known(raw_words if raw_words is not None else words)
        centroids, unit = self.packed.weight, query.unit
        ranked = []
        for position, found in self._candidates(query):
            cosine = sum([w * centroids[k] for w, k in zip(unit, found, strict=True) if k >= 0])
            ranked.append((cosine, position, found))
        ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
        text = " ".join(sorted(words))
        results = []
        for cosine, position, found in ranked[:RERANK]:
            best = self._best_sample(query, found)
            cover = sum(w for w, k in zip(query.idf, found, strict=True) if k >= 0) / query.total
            match = process.extractOne(text, self.samples[position], scorer=fuzz.ratio)
            fuzzy = match[1] / 100 if match else 0.0
            parts = {
                "cosine": cosine,
                "best": best,
                "cover": cover,
                "fuzzy": fuzzy,
                "known": known,
            }
            score = _sigmoid(BIAS + sum(WEIGHTS[k] * v for k, v in parts.items()))
            results.append(
                Scored(self.intents[position], score, cosine, best, cover, fuzzy, known)
            )
        results.sort(key=lambda s: s.score, reverse=True)
        return results[:limit]

    def prefilter_cost(self, words: Sequence[str]) -> int:
        """Posting entries the prefilter visits for `words` (the benchmark reports it)."""
        grams = features(words, self.stopwords)
        query = self._query(grams)
        return sum(self.packed.frequency(query.ids[i]) for i in self._selecting(query))

    def _query(self, grams: Counter[str]) -> _Query:
        """Look the query's n-grams up: unit TF-IDF weights of the known ones, IDF of all."""
        packed = self.packed
        ids, raw, idf, every = [], [], [], []
        for gram, count in grams.items():
            gid = packed.gram_id(gram)
            weight = packed.idf[gid] if gid >= 0 else packed.unknown_idf
            if "_" in gram:
                weight *= BIGRAM_WEIGHT
            every.append(weight)
            if gid < 0:
                continue
            ids.append(gid)
            idf.append(weight)
            tf = (1 + math.log(count)) * packed.idf[gid]
            raw.append(tf * BIGRAM_WEIGHT if "_" in gram else tf)
        norm = math.sqrt(sum(v * v for v in raw))
        unit = [v / norm for v in raw] if norm else []
        return _Query(ids if norm else [], unit, idf if norm else [], sum(every) or 1.0)

    def _look_up(self, query: _Query, position: int, found: list[int], which: list[int]) -> None:
        """Fill in `found` (entries in the intent's packed centroid, -1 when absent) for the
        query n-grams numbered `which`."""
        packed = self.packed
        lo, hi = packed.intent_start[position], packed.intent_start[position + 1]
        grams = packed.gram
        for i in which:
            k = bisect_left(grams, query.ids[i], lo, hi)
            if k < hi and grams[k] == query.ids[i]:
                found[i] = k

    def _best_sample(self, query: _Query, found: list[int]) -> float:
        """Cosine between the query and the intent's closest sample question."""
        starts, numbers, weights = (
            self.packed.sample_start,
            self.packed.sample_no,
            self.packed.sample_weight,
        )
        dots: dict[int, float] = {}
        for weight, k in zip(query.unit, found, strict=True):
            if k < 0:
                continue
            start, end = starts[k], starts[k + 1]
            for number, sample_weight in zip(numbers[start:end], weights[start:end], strict=True):
                dots[number] = dots.get(number, 0.0) + weight * sample_weight
        return max(dots.values(), default=0.0)

    def _selecting(self, query: _Query) -> list[int]:
        """The query n-grams (by number) that select candidates: the rarer ones (the common ones
        would visit everything); when there are only common ones, the three rarest."""
        frequency = [self.packed.frequency(g) for g in query.ids]
        rare = [i for i, f in enumerate(frequency) if f <= POSTING_CAP]
        return rare or sorted(range(len(frequency)), key=frequency.__getitem__)[:3]

    def _candidates(self, query: _Query) -> list[tuple[int, list[int]]]:
        """Intents sharing the query's selecting n-grams, most shared weight first, each with
        its centroid entry for every query n-gram (-1 when absent).

        Scanning a posting already tells where the n-gram sits in each intent it visits, so only
        the common n-grams are looked up, and only in the candidates."""
        packed = self.packed
        totals: dict[int, float] = {}
        found: dict[int, list[int]] = {}
        selecting = self._selecting(query)
        for i in selecting:
            weight = query.unit[i]
            start, end = packed.postings(query.ids[i])
            visited = zip(packed.posting[start:end], packed.posting_entry[start:end], strict=True)
            for position, k in visited:
                totals[position] = totals.get(position, 0.0) + weight
                entries = found.get(position)
                if entries is None:
                    entries = found[position] = [-1] * len(query.ids)
                entries[i] = k
        chosen = set(selecting)
        common = [i for i in range(len(query.ids)) if i not in chosen]
        best = heapq.nlargest(MAX_CANDIDATES, totals, key=totals.__getitem__)
        for position in best:
            self._look_up(query, position, found[position], common)
        return [(position, found[position]) for position in best]

    def _known(self, words: Sequence[str]) -> float:
        """Share of the query's content words that the knowledge base knows at all."""
        content = [w for w in words if w not in self.stopwords]
        if not content:
            return 1.0
        return sum(1 for w in content if w in self.vocabulary) / len(content)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))
