"""Typo repair through the one-letter-dropped neighbourhood picks what a full scan would pick."""

from __future__ import annotations

import random
import re
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.loader import load
from knowledge.matcher import Matcher
from knowledge.normaliser import Normaliser

KB = Path(__file__).resolve().parents[2] / "knowledge" / "data"


def scan(word: str, vocabulary: frozenset[str]) -> str:
    """The plain rule: a Telex tone key left behind, else the alphabetically first word one
    slip away that keeps an end letter."""
    telex = re.match(r"^([a-z]*[aeiouy][a-z]*?)([sfrxj])$", word)
    if telex and telex.group(1) in vocabulary:
        return telex.group(1)
    pool = sorted(
        w
        for w in vocabulary
        if abs(len(w) - len(word)) <= 1 and (w[0] == word[0] or w[-1] == word[-1])
    )
    found = process.extractOne(word, pool, scorer=OSA.distance, score_cutoff=1)
    return str(found[0]) if found else word


def slips(vocabulary: frozenset[str], count: int, seed: int) -> list[str]:
    """Known words with a letter added, dropped, changed or two letters swapped."""
    rng = random.Random(seed)
    words = sorted(w for w in vocabulary if len(w) >= 3)
    letters = "abcdeghiklmnopqrstuvxy"
    out = []
    for _ in range(count):
        word = rng.choice(words)
        i = rng.randrange(len(word))
        kind = rng.randrange(4)
        if kind == 0:
            word = word[:i] + rng.choice(letters) + word[i:]
        elif kind == 1:
            word = word[:i] + word[i + 1 :]
        elif kind == 2:
            word = word[:i] + rng.choice(letters) + word[i + 1 :]
        elif i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        out.append(word)
    return [w for w in out if len(w) >= 4 and w not in vocabulary and not w.isdigit()]


def test_repair_matches_a_full_scan_of_the_bundled_vocabulary() -> None:
    normaliser: Normaliser = Matcher(load(KB)).normaliser
    vocabulary = normaliser._vocabulary
    typed = slips(vocabulary, 3000, seed=5)
    assert len(typed) > 1000
    repaired = 0
    for word in typed:
        expected = scan(word, vocabulary)
        assert normaliser.repair(word) == expected, word
        repaired += expected != word
    assert repaired > len(typed) // 2  # most slips are fixed, so the comparison has teeth
