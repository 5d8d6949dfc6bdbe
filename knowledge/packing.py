"""The index's numbers in flat arrays: integer n-gram ids, TF-IDF centroids, postings.

A Python dict of string → float costs about 100 bytes per weight; the same weight in an `array`
costs 8 (plus 4 for its n-gram id). At 100 000 sample questions that is the difference between
hundreds of megabytes and a few dozen. Stdlib `array` rather than numpy: numpy is not a dependency
and the search touches a few hundred numbers per query, where numpy's per-call cost would dominate.

Layout (CSR, "compressed sparse rows"): intent i's centroid is entries
`intent_start[i]:intent_start[i + 1]` of `gram` (sorted n-gram ids) and `weight`; entry k's
per-sample weights are `sample_start[k]:sample_start[k + 1]` of `sample_no` and `sample_weight`;
n-gram g's postings (intent positions, ascending) are `posting_start[g]:posting_start[g + 1]`.
Unigram ids are word numbers; bigram ids follow them, found through the sorted `pair_keys`.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

BIGRAM_WEIGHT = 1.6


@dataclass
class Packed:
    """Integer n-gram ids and the index's weights in flat arrays (see the module docstring)."""

    words: dict[str, int] = field(default_factory=dict)
    pair_keys: array[int] = field(default_factory=lambda: array("Q"))
    pair_ids: array[int] = field(default_factory=lambda: array("I"))
    idf: array[float] = field(default_factory=lambda: array("d"))
    unknown_idf: float = math.log(3)
    posting_start: array[int] = field(default_factory=lambda: array("I", [0]))
    posting: array[int] = field(default_factory=lambda: array("I"))
    intent_start: array[int] = field(default_factory=lambda: array("I", [0]))
    gram: array[int] = field(default_factory=lambda: array("I"))
    weight: array[float] = field(default_factory=lambda: array("d"))
    sample_start: array[int] = field(default_factory=lambda: array("I", [0]))
    sample_no: array[int] = field(default_factory=lambda: array("I"))
    sample_weight: array[float] = field(default_factory=lambda: array("d"))

    def gram_id(self, gram: str) -> int:
        """The id of an n-gram ("word" or "left_right"), or -1 when the index never saw it."""
        left, bigram, right = gram.partition("_")
        first = self.words.get(left, -1)
        if not bigram:
            return first if first >= 0 and self.idf[first] > 0 else -1
        second = self.words.get(right, -1)
        if first < 0 or second < 0:
            return -1
        key = first << 32 | second
        at = bisect_left(self.pair_keys, key)
        found = at < len(self.pair_keys) and self.pair_keys[at] == key
        return self.pair_ids[at] if found else -1

    def frequency(self, gram: int) -> int:
        """In how many intents the n-gram occurs."""
        return self.posting_start[gram + 1] - self.posting_start[gram]

    def postings(self, gram: int) -> tuple[int, int]:
        """The n-gram's slice of `posting`."""
        return self.posting_start[gram], self.posting_start[gram + 1]


def pack(samples: list[list[Counter[str]]], vocabulary: frozenset[str]) -> Packed:
    """Pack each intent's sample n-gram counts (as `features` makes them) into arrays."""
    packed = Packed(words={w: n for n, w in enumerate(sorted(vocabulary))})
    pairs: dict[int, int] = {}
    counted = [[_ids(feats, packed.words, pairs) for feats in intent] for intent in samples]
    total_grams = len(packed.words) + len(pairs)
    frequency = [0] * total_grams
    for intent in counted:
        for gram in {g for sample in intent for g in sample}:
            frequency[gram] += 1
    total = max(len(samples), 1)
    packed.idf = array("d", (math.log(1 + total / df) if df else 0.0 for df in frequency))
    packed.unknown_idf = math.log(1 + total / 0.5)
    keys = sorted(pairs)
    packed.pair_keys = array("Q", keys)
    packed.pair_ids = array("I", (len(packed.words) + pairs[k] for k in keys))
    for intent in counted:
        _pack_intent(packed, [_unit(_vector(s, packed)) for s in intent])
    packed.posting_start = array("I", accumulate(frequency, initial=0))
    packed.posting = _postings(packed, total_grams)
    return packed


def _ids(feats: Counter[str], words: dict[str, int], pairs: dict[int, int]) -> dict[int, int]:
    """n-gram counts keyed by id, in the same order; new bigrams get the next free id."""
    counts = {}
    for gram, count in feats.items():
        left, bigram, right = gram.partition("_")
        if bigram:
            key = words[left] << 32 | words[right]
            counts[len(words) + pairs.setdefault(key, len(pairs))] = count
        else:
            counts[words[gram]] = count
    return counts


def _vector(counts: dict[int, int], packed: Packed) -> dict[int, float]:
    """TF-IDF weights of one sample's n-grams (bigrams count a little more)."""
    vector = {}
    bigrams = len(packed.words)
    for gram, count in counts.items():
        weight = (1 + math.log(count)) * packed.idf[gram]
        vector[gram] = weight * BIGRAM_WEIGHT if gram >= bigrams else weight
    return vector


def _pack_intent(packed: Packed, vectors: list[dict[int, float]]) -> None:
    """Append one intent's centroid and per-sample weights, n-grams in id order."""
    centroid: dict[int, float] = {}
    by_gram: dict[int, list[tuple[int, float]]] = {}
    for number, vector in enumerate(vectors):
        for gram, weight in vector.items():
            centroid[gram] = weight + centroid.get(gram, 0)
            by_gram.setdefault(gram, []).append((number, weight))
    unit = _unit(centroid)
    for gram in sorted(unit):
        packed.gram.append(gram)
        packed.weight.append(unit[gram])
        for number, weight in by_gram[gram]:
            packed.sample_no.append(number)
            packed.sample_weight.append(weight)
        packed.sample_start.append(len(packed.sample_no))
    packed.intent_start.append(len(packed.gram))


def _postings(packed: Packed, total_grams: int) -> array[int]:
    """Intent positions per n-gram, ascending, laid out along `posting_start`."""
    cursor = list(packed.posting_start[:total_grams])
    posting = [0] * len(packed.gram)
    for position in range(len(packed.intent_start) - 1):
        for k in range(packed.intent_start[position], packed.intent_start[position + 1]):
            gram = packed.gram[k]
            posting[cursor[gram]] = position
            cursor[gram] += 1
    return array("I", posting)


def _unit(vector: dict[int, float]) -> dict[int, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}
