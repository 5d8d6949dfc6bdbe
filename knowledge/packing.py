"""The index's numbers in flat arrays: integer n-gram ids, TF-IDF centroids, postings.

A Python dict of string → float costs about 100 bytes per weight; the same weight in an `array`
costs 8 (plus 4 for its n-gram id). At 100 000 sample questions that is the difference between
hundreds of megabytes and a few dozen. Stdlib `array` rather than numpy: numpy is not a dependency
and the search touches a few hundred numbers per query, where numpy's per-call cost would dominate.

Layout (CSR, "compressed sparse rows"): intent i's centroid is entries
`intent_start[i]:intent_start[i + 1]` of `gram` (sorted n-gram ids) and `weight`; entry k's
per-sample weights are `sample_start[k]:sample_start[k + 1]` of `sample_no` and `sample_weight`;
n-gram g's postings are `posting_start[g]:posting_start[g + 1]` of `posting` (intent positions,
ascending) and `posting_entry` (where g sits in that intent's centroid).
An n-gram's id is its position in the sorted `gram_keys`: a unigram's key is its word's number,
a bigram's combines both words' numbers (above 2**32, so the bigrams come after the unigrams).
"""

from __future__ import annotations

import itertools
import math
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

BIGRAM_WEIGHT = 1.6
DENSE_SHARE = 1 / 8  # an n-gram in more than this share of the intents gets a per-intent table


@dataclass
class Packed:
    """Integer n-gram ids and the index's weights in flat arrays (see the module docstring)."""

    words: dict[str, int] = field(default_factory=dict)
    gram_keys: array[int] = field(default_factory=lambda: array("Q"))
    first_bigram: int = 0
    idf: array[float] = field(default_factory=lambda: array("d"))
    unknown_idf: float = math.log(3)
    posting_start: array[int] = field(default_factory=lambda: array("I", [0]))
    posting: array[int] = field(default_factory=lambda: array("I"))
    posting_entry: array[int] = field(default_factory=lambda: array("I"))
    intent_start: array[int] = field(default_factory=lambda: array("I", [0]))
    gram: array[int] = field(default_factory=lambda: array("I"))
    weight: array[float] = field(default_factory=lambda: array("d"))
    sample_start: array[int] = field(default_factory=lambda: array("I", [0]))
    sample_no: array[int] = field(default_factory=lambda: array("I"))
    sample_weight: array[float] = field(default_factory=lambda: array("d"))
    sample_count: array[int] = field(default_factory=lambda: array("I"))  # samples per intent
    unigram: array[int] = field(default_factory=lambda: array("i"))  # word number → id or -1
    # n-grams in a large share of the intents: per intent, its centroid entry (-1 when absent)
    dense: dict[int, array[int]] = field(default_factory=dict)

    def gram_id(self, gram: str) -> int:
        """The id of an n-gram ("word" or "left_right"), or -1 when the index never saw it."""
        left, bigram, right = gram.partition("_")
        return self.bigram_id(left, right) if bigram else self.unigram_id(gram)

    def unigram_id(self, word: str) -> int:
        """The id of a word's unigram, or -1 when the index never saw it as a content word."""
        number = self.words.get(word)
        return -1 if number is None else self.unigram[number]

    def bigram_id(self, left: str, right: str) -> int:
        """The id of the bigram "left_right", or -1 when the index never saw it."""
        words = self.words
        if left not in words or right not in words:
            return -1
        key = (words[left] + 1) << 32 | words[right]
        at = bisect_left(self.gram_keys, key, self.first_bigram)
        return at if at < len(self.gram_keys) and self.gram_keys[at] == key else -1

    def frequency(self, gram: int) -> int:
        """In how many intents the n-gram occurs."""
        return self.posting_start[gram + 1] - self.posting_start[gram]

    def postings(self, gram: int) -> tuple[int, int]:
        """The n-gram's slice of `posting`."""
        return self.posting_start[gram], self.posting_start[gram + 1]


def features(words: Sequence[str], stopwords: frozenset[str]) -> Counter[str]:
    """Unigrams of content words plus bigrams of neighbouring words (Vietnamese compounds)."""
    content = [w for w in words if w not in stopwords]
    grams: Counter[str] = Counter(content)
    for left, right in itertools.pairwise(words):
        if left in stopwords and right in stopwords:
            continue
        grams[f"{left}_{right}"] += 1
    return grams


@dataclass
class _Counted:
    """Pass one: every sample's n-gram keys and counts, flat; each intent's distinct keys."""

    keys: array[int] = field(default_factory=lambda: array("Q"))
    counts: array[int] = field(default_factory=lambda: array("I"))
    sample_end: list[int] = field(default_factory=list)
    intent_end: list[int] = field(default_factory=list)
    distinct: array[int] = field(default_factory=lambda: array("Q"))


def pack(
    intents: Iterable[list[list[str]]],
    vocabulary: Iterable[str],
    stopwords: frozenset[str],
    posting_cap: int = 50,
) -> Packed:
    """Pack each intent's sample questions (normalised words, read once) into arrays; n-grams
    in more than `posting_cap` intents never select candidates (knowledge.index.POSTING_CAP)."""
    packed = Packed(words={w: n for n, w in enumerate(sorted(vocabulary))})
    counted = _count(intents, stopwords, packed.words)
    packed.gram_keys, frequency = _distinct(counted.distinct, len(packed.words))
    del counted.distinct
    packed.first_bigram = bisect_left(packed.gram_keys, 1 << 32)
    packed.unigram = array("i", [-1]) * len(packed.words)
    for gid in range(packed.first_bigram):  # a unigram's key is its word's number
        packed.unigram[packed.gram_keys[gid]] = gid
    total = max(len(counted.intent_end), 1)
    packed.idf = array("d", (math.log(1 + total / df) for df in frequency))
    packed.unknown_idf = math.log(1 + total / 0.5)
    # a sample's number within its intent, in the fewest bytes that hold the largest one
    ends = counted.intent_end
    most = max((b - a for a, b in itertools.pairwise([0, *ends])), default=0)
    packed.sample_no = array("B" if most <= 1 << 8 else "H" if most <= 1 << 16 else "I")
    sample = 0
    for end in counted.intent_end:
        vectors = []
        for stop in counted.sample_end[sample:end]:
            begin = counted.sample_end[sample - 1] if sample else 0
            counts = {
                bisect_left(packed.gram_keys, counted.keys[j]): counted.counts[j]
                for j in range(begin, stop)
            }
            vectors.append(_unit(_vector(counts, packed)))
            sample += 1
        packed.sample_count.append(len(vectors))
        _pack_intent(packed, vectors)
    del counted
    packed.posting_start = array("I", accumulate(frequency, initial=0))
    packed.posting, packed.posting_entry = _postings(packed, len(frequency))
    packed.dense = _dense(packed, total, posting_cap)
    return packed


def _key(gram: str, words: dict[str, int]) -> int:
    """A number for an n-gram of known words: the word's, or both words' for a bigram."""
    left, bigram, right = gram.partition("_")
    return (words[left] + 1) << 32 | words[right] if bigram else words[gram]


def _count(
    intents: Iterable[list[list[str]]], stopwords: frozenset[str], words: dict[str, int]
) -> _Counted:
    """Pass one over the samples: n-gram keys and counts, in `features` order."""
    counted = _Counted()
    for questions in intents:
        seen: set[int] = set()
        for question in questions:
            for gram, count in features(question, stopwords).items():
                key = _key(gram, words)
                counted.keys.append(key)
                counted.counts.append(count)
                seen.add(key)
            counted.sample_end.append(len(counted.keys))
        counted.distinct.extend(seen)
        counted.intent_end.append(len(counted.sample_end))
    return counted


def _distinct(keys: array[int], words: int) -> tuple[array[int], array[int]]:
    """The sorted distinct keys (their positions are the n-gram ids) and how often each occurs.

    Bigrams are sorted per left word, so no list of every key is ever held at once."""
    unigrams = [0] * words
    rights: list[array[int]] = [array("I") for _ in range(words)]
    for key in keys:
        if key >> 32:
            rights[(key >> 32) - 1].append(key & 0xFFFFFFFF)
        else:
            unigrams[key] += 1
    unique = array("Q", (key for key, count in enumerate(unigrams) if count))
    frequency = array("I", (count for count in unigrams if count))
    for left, seen in enumerate(rights):
        base = (left + 1) << 32
        last = -1
        for right in sorted(seen):
            if right == last:
                frequency[-1] += 1
            else:
                unique.append(base | right)
                frequency.append(1)
                last = right
        rights[left] = array("I")
    return unique, frequency


def _vector(counts: dict[int, int], packed: Packed) -> dict[int, float]:
    """TF-IDF weights of one sample's n-grams (bigrams count a little more)."""
    vector = {}
    for gram, count in counts.items():
        weight = (1 + math.log(count)) * packed.idf[gram]
        vector[gram] = weight * BIGRAM_WEIGHT if gram >= packed.first_bigram else weight
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


def _postings(packed: Packed, total_grams: int) -> tuple[array[int], array[int]]:
    """Per n-gram, the intents it occurs in (ascending) and its centroid entry in each."""
    cursor = packed.posting_start[:total_grams]
    posting = array("I", [0]) * len(packed.gram)
    entry = array("I", [0]) * len(packed.gram)
    for position in range(len(packed.intent_start) - 1):
        for k in range(packed.intent_start[position], packed.intent_start[position + 1]):
            gram = packed.gram[k]
            posting[cursor[gram]] = position
            entry[cursor[gram]] = k
            cursor[gram] += 1
    return posting, entry


def _dense(packed: Packed, intents: int, posting_cap: int) -> dict[int, array[int]]:
    """A per-intent table of centroid entries for each n-gram in more than DENSE_SHARE of the
    intents and too common to select candidates (the search looks those up in candidates):
    4 bytes per intent instead of a binary search per candidate."""
    tables = {}
    least = max(posting_cap, intents * DENSE_SHARE)
    for gram in range(len(packed.posting_start) - 1):
        start, end = packed.posting_start[gram], packed.posting_start[gram + 1]
        if end - start <= least:
            continue
        table = array("i", [-1]) * intents
        for position, k in zip(packed.posting[start:end], packed.posting_entry[start:end]):  # noqa: B905
            table[position] = k
        tables[gram] = table
    return tables


def _unit(vector: dict[int, float]) -> dict[int, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}
