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
import itertools
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.normaliser import Normaliser
from knowledge.packing import BIGRAM_WEIGHT, Packed, pack

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


def features(words: Sequence[str], stopwords: frozenset[str]) -> Counter[str]:
    """Unigrams of content words plus bigrams of neighbouring words (Vietnamese compounds)."""
    content = [w for w in words if w not in stopwords]
    grams: Counter[str] = Counter(content)
    for left, right in itertools.pairwise(words):
        if left in stopwords and right in stopwords:
            continue
        grams[f"{left}_{right}"] += 1
    return grams


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
        for intent, question in items:
            grouped.setdefault(intent, []).append(normaliser.expand(question))
        index.vocabulary = frozenset(w for qs in grouped.values() for q in qs for w in q)
        normaliser.set_vocabulary(index.vocabulary)
        index.intents = list(grouped)
        index.samples = [
            sorted({" ".join(sorted(q)) for q in questions}) for questions in grouped.values()
        ]
        samples = [[features(q, index.stopwords) for q in qs] for qs in grouped.values()]
        index.packed = pack(samples, index.vocabulary)
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
        packed = self.packed
        ranked = []
        for position in self._candidates(query):
            found = self._entries(query, position)
            cosine = sum(
                w * packed.weight[k] for w, k in zip(query.unit, found, strict=True) if k >= 0
            )
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
        return sum(self.packed.frequency(g) for g, _ in self._selecting(self._query(grams)))

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

    def _entries(self, query: _Query, position: int) -> list[int]:
        """For each query n-gram, its entry in the intent's packed centroid, or -1."""
        packed = self.packed
        lo, hi = packed.intent_start[position], packed.intent_start[position + 1]
        grams = packed.gram
        found = []
        for gid in query.ids:
            k = bisect_left(grams, gid, lo, hi)
            found.append(k if k < hi and grams[k] == gid else -1)
        return found

    def _best_sample(self, query: _Query, found: list[int]) -> float:
        """Cosine between the query and the intent's closest sample question."""
        packed = self.packed
        dots: dict[int, float] = {}
        for weight, k in zip(query.unit, found, strict=True):
            if k < 0:
                continue
            for j in range(packed.sample_start[k], packed.sample_start[k + 1]):
                number = packed.sample_no[j]
                dots[number] = dots.get(number, 0.0) + weight * packed.sample_weight[j]
        return max(dots.values(), default=0.0)

    def _selecting(self, query: _Query) -> list[tuple[int, float]]:
        """The query n-grams that select candidates: the rarer ones (the common ones would visit
        everything); when there are only common ones, the three rarest still narrow things down."""
        packed = self.packed
        grams = list(zip(query.ids, query.unit, strict=True))
        rare = [(g, w) for g, w in grams if packed.frequency(g) <= POSTING_CAP]
        return rare or sorted(grams, key=lambda gw: packed.frequency(gw[0]))[:3]

    def _candidates(self, query: _Query) -> list[int]:
        """Intents sharing the query's selecting n-grams, most shared weight first."""
        packed = self.packed
        totals: dict[int, float] = {}
        for gram, weight in self._selecting(query):
            start, end = packed.postings(gram)
            for position in packed.posting[start:end]:
                totals[position] = totals.get(position, 0.0) + weight
        return heapq.nlargest(MAX_CANDIDATES, totals, key=totals.__getitem__)

    def _known(self, words: Sequence[str]) -> float:
        """Share of the query's content words that the knowledge base knows at all."""
        content = [w for w in words if w not in self.stopwords]
        if not content:
            return 1.0
        return sum(1 for w in content if w in self.vocabulary) / len(content)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))
