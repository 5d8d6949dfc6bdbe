"""A search index over sample questions: n-gram prefilter, then a rapidfuzz rerank.

Each intent (knowledge-base entry) is represented twice: by a TF-IDF centroid of all its sample
questions' word unigrams and bigrams (generalises to new wordings), and by the samples themselves
(rapidfuzz similarity catches near-verbatim questions and typos). Rare n-grams select a few
candidate intents through an inverted index, so the cost per query stays nearly flat as the
knowledge base grows; only the candidates are scored in full.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.normaliser import Normaliser

BIGRAM_WEIGHT = 1.6
MAX_CANDIDATES = 24
PREFILTER_MIN_POSTINGS = 50  # n-grams in at most this many intents always select candidates
PREFILTER_SHARE = 0.02  # ... or in at most this share of all intents


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


class Index:
    """Inverted index plus per-intent TF-IDF centroids, sample vectors and vocabularies."""

    def __init__(self, normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self.stopwords = normaliser.lexicon.stopwords
        self.intents: list[str] = []
        self.samples: list[list[str]] = []
        self.sample_grams: list[dict[str, list[tuple[int, float]]]] = []
        self.centroids: list[dict[str, float]] = []
        self.grams: list[frozenset[str]] = []
        self.idf: dict[str, float] = {}
        self.unknown_idf = 1.0
        self.postings: dict[str, list[int]] = {}
        self.vocabulary: frozenset[str] = frozenset()

    @classmethod
    def build(cls, items: Iterable[tuple[str, str]], normaliser: Normaliser) -> Index:
        """Index (intent id, sample question) pairs."""
        index = cls(normaliser)
        grouped: dict[str, list[list[str]]] = defaultdict(list)
        for intent, question in items:
            grouped[intent].append(normaliser.expand(question))
        index.vocabulary = frozenset(w for qs in grouped.values() for q in qs for w in q)
        normaliser.set_vocabulary(index.vocabulary)
        sample_features: list[list[Counter[str]]] = []
        document_frequency: Counter[str] = Counter()
        for intent, questions in grouped.items():
            index.intents.append(intent)
            index.samples.append(sorted({" ".join(q) for q in questions}))
            feats = [features(q, index.stopwords) for q in questions]
            sample_features.append(feats)
            document_frequency.update({g for f in feats for g in f})
        total = max(len(index.intents), 1)
        index.idf = {g: math.log(1 + total / df) for g, df in document_frequency.items()}
        index.unknown_idf = math.log(1 + total / 0.5)
        postings: dict[str, list[int]] = defaultdict(list)
        for position, feats in enumerate(sample_features):
            vectors = [index._vector(feat) for feat in feats]
            centroid: Counter[str] = Counter()
            for vector in vectors:
                centroid.update(vector)
            by_gram: dict[str, list[tuple[int, float]]] = defaultdict(list)
            for number, vector in enumerate(vectors):
                for gram, weight in vector.items():
                    by_gram[gram].append((number, weight))
            index.sample_grams.append(dict(by_gram))
            index.centroids.append(_unit(centroid))
            index.grams.append(frozenset(centroid))
            for gram in centroid:
                postings[gram].append(position)
        index.postings = dict(postings)
        return index

    def _vector(self, grams: Counter[str]) -> dict[str, float]:
        vector = {}
        for gram, count in grams.items():
            idf = self.idf.get(gram)
            if idf is None:
                continue
            weight = (1 + math.log(count)) * idf
            vector[gram] = weight * BIGRAM_WEIGHT if "_" in gram else weight
        return _unit(vector)

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
        query = self._vector(grams)
        known = self._known(raw_words if raw_words is not None else words)
        weights = {g: self.idf.get(g, self.unknown_idf) for g in grams}
        weights = {g: w * BIGRAM_WEIGHT if "_" in g else w for g, w in weights.items()}
        total_weight = sum(weights.values()) or 1.0
        text = " ".join(words)
        ranked = []
        for position in self._candidates(query):
            centroid = self.centroids[position]
            cosine = sum(weight * centroid.get(gram, 0.0) for gram, weight in query.items())
            ranked.append((cosine, position))
        ranked.sort(reverse=True)
        results = []
        for cosine, position in ranked[:RERANK]:
            best = self._best_sample(query, self.sample_grams[position])
            own = self.grams[position]
            cover = sum(w for g, w in weights.items() if g in own) / total_weight
            match = process.extractOne(text, self.samples[position], scorer=fuzz.token_sort_ratio)
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

    @staticmethod
    def _best_sample(
        query: dict[str, float], sample_grams: dict[str, list[tuple[int, float]]]
    ) -> float:
        """Cosine between the query and the intent's closest sample question."""
        dots: dict[int, float] = {}
        for gram, weight in query.items():
            for number, sample_weight in sample_grams.get(gram, ()):
                dots[number] = dots.get(number, 0.0) + weight * sample_weight
        return max(dots.values(), default=0.0)

    def _candidates(self, query: dict[str, float]) -> list[int]:
        """Intents sharing the query's rarer n-grams (the common ones would visit everything)."""
        limit = max(PREFILTER_MIN_POSTINGS, int(len(self.intents) * PREFILTER_SHARE))
        grams = [g for g in query if len(self.postings.get(g, ())) <= limit]
        if not grams:  # only common words: the three rarest of them still narrow things down
            grams = sorted(query, key=lambda g: len(self.postings.get(g, ())))[:3]
        totals: dict[int, float] = defaultdict(float)
        for gram in grams:
            weight = query[gram]
            for position in self.postings.get(gram, ()):
                totals[position] += weight
        return heapq.nlargest(MAX_CANDIDATES, totals, key=totals.__getitem__)

    def _known(self, words: Sequence[str]) -> float:
        """Share of the query's content words that the knowledge base knows at all."""
        content = [w for w in words if w not in self.stopwords]
        if not content:
            return 1.0
        return sum(1 for w in content if w in self.vocabulary) / len(content)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _unit(vector: dict[str, float] | Counter[str]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}
