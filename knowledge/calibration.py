"""Fit the matcher's two small logistic models on a labelled question file.

1. The ranking model scores each candidate intent from its similarity parts (positives: the
   labelled intent; negatives: every other in-scope candidate).
2. The confidence model scores the best candidate of a question from `confidence_features`
   (positive when that candidate is the labelled intent; out-of-scope questions are negatives).

`cchc-bot calibrate FILE` prints the fitted weights with a two-fold cross-check, so the figures
in knowledge/index.py and knowledge/matcher.py can be refreshed after the knowledge base grows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from knowledge import index as index_module
from knowledge.index import RERANK, Scored
from knowledge.matcher import Matcher, confidence_features

PARTS = tuple(index_module.WEIGHTS)
CONFIDENCE_EPOCHS = 20000  # the confidence model is small; 3000 steps left it short of converging


@dataclass(frozen=True)
class Logistic:
    """Weights and bias of a fitted logistic model."""

    weights: tuple[float, ...]
    bias: float

    def predict(self, x: Sequence[float]) -> float:
        """Probability for features `x`."""
        z = self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))
        return 1 / (1 + math.exp(-max(-60.0, min(60.0, z))))


def fit(rows: list[list[float]], labels: list[float], epochs: int = 3000) -> Logistic:
    """Batch gradient descent with a little L2; small data, so plain Python is enough."""
    size = len(rows[0])
    weights, bias, rate, l2 = [0.0] * size, 0.0, 0.5, 1e-3
    count = len(rows)
    for _ in range(epochs):
        gradient, gradient_bias = [0.0] * size, 0.0
        model = Logistic(tuple(weights), bias)
        for x, y in zip(rows, labels, strict=True):
            error = model.predict(x) - y
            for j in range(size):
                gradient[j] += error * x[j]
            gradient_bias += error
        weights = [w - rate * (g / count + l2 * w) for w, g in zip(weights, gradient, strict=True)]
        bias -= rate * gradient_bias / count
    return Logistic(tuple(round(w, 2) for w in weights), round(bias, 2))


def _candidates(matcher: Matcher, item: dict[str, Any]) -> tuple[list[Scored], int]:
    # scored on what the matcher scores: the question without the documents it will bring
    about = matcher.named(item["q"]) if matcher.language.detect(item["q"]) == "vi" else item["q"]
    expanded = matcher.normaliser.expand(about)
    words = [matcher.normaliser.repair(w) for w in expanded]
    found = matcher.index.search(words, expanded, limit=RERANK)
    return [s for s in found if not matcher.kb.entries[s.intent].out_of_scope], len(expanded)


def calibrate(
    matcher: Matcher, items: list[dict[str, Any]], *, refit_ranking: bool = True
) -> dict[str, Any]:
    """Fit both models on `items` (or only the confidence model over the index's current
    ranking weights); also report a two-fold (even/odd) cross-check."""
    current = Logistic(tuple(index_module.WEIGHTS[p] for p in PARTS), index_module.BIAS)
    prepared = [(item, *_candidates(matcher, item)) for item in items]

    def rank_data(rows: list[Any]) -> tuple[list[list[float]], list[float]]:
        xs, ys = [], []
        for item, found, _ in rows:
            for scored in found:
                xs.append([getattr(scored, part) for part in PARTS])
                ys.append(1.0 if scored.intent == item["intent"] else 0.0)
        return xs, ys

    def confidence_data(
        rows: list[Any], ranker: Logistic
    ) -> tuple[list[list[float]], list[float]]:
        xs, ys = [], []
        for item, found, words in rows:
            if not found:
                continue
            rescored = sorted(
                (
                    Scored(
                        s.intent,
                        ranker.predict([getattr(s, part) for part in PARTS]),
                        s.cosine,
                        s.best,
                        s.cover,
                        s.fuzzy,
                        s.known,
                    )
                    for s in found
                ),
                key=lambda s: -s.score,
            )
            lang = matcher.language.detect(item["q"])
            about = matcher.named(item["q"]) if lang == "vi" else item["q"]
            ordered, fit = matcher.order(tuple(rescored), about, lang)
            xs.append(confidence_features(ordered, words, fit))
            ys.append(1.0 if ordered[0].intent == item["intent"] else 0.0)
        return xs, ys

    def both(rows: list[Any]) -> tuple[Logistic, Logistic]:
        ranker = fit(*rank_data(rows)) if refit_ranking else current
        return ranker, fit(*confidence_data(rows, ranker), epochs=CONFIDENCE_EPOCHS)

    ranker, confident = both(prepared)
    folds = []
    for train_parity in (0, 1):
        train = [r for i, r in enumerate(prepared) if i % 2 == train_parity]
        test = [r for i, r in enumerate(prepared) if i % 2 != train_parity]
        fold_ranker, fold_confident = both(train)
        xs, ys = confidence_data(test, fold_ranker)
        right = sum(
            (fold_confident.predict(x) >= 0.5) == (y == 1.0) for x, y in zip(xs, ys, strict=True)
        )
        folds.append(round(100 * right / max(len(xs), 1), 1))
    return {
        "ranking": {"weights": dict(zip(PARTS, ranker.weights, strict=True)), "bias": ranker.bias},
        "confidence": {"weights": list(confident.weights), "bias": confident.bias},
        "cross_check_decision_accuracy": folds,
    }
