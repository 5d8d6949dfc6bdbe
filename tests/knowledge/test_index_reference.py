"""The packed index ranks exactly as a plain dictionary computation of the same model does."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from rapidfuzz import fuzz

from knowledge.index import BIAS, RERANK, WEIGHTS, Index, Scored, features
from knowledge.normaliser import Normaliser
from knowledge.schema import Lexicon

BIGRAM = 1.6

SMALL_KB = [
    ("khai_sinh", "đăng ký khai sinh cho con cần giấy tờ gì"),
    ("khai_sinh", "làm giấy khai sinh ở đâu"),
    ("khai_sinh", "khai sinh cho bé mới sinh mất bao lâu"),
    ("ket_hon", "đăng ký kết hôn cần những gì"),
    ("ket_hon", "thủ tục đăng ký kết hôn ở xã"),
    ("can_cuoc", "làm căn cước ở đâu"),
    ("can_cuoc", "mất thẻ căn cước thì làm lại thế nào"),
    ("can_cuoc", "cấp đổi thẻ căn cước mất bao nhiêu tiền"),
    ("tam_tru", "đăng ký tạm trú cho người thuê trọ"),
    ("tam_tru", "tạm trú tạm vắng làm ở đâu"),
    ("chung_thuc", "chứng thực bản sao giấy tờ mất bao nhiêu tiền"),
    ("chung_thuc", "chứng thực chữ ký ở xã"),
]
SMALL_QUERIES = [
    "đăng ký khai sinh ở đâu",
    "làm lại căn cước mất bao lâu",
    "kết hôn cần giấy tờ gì",
    "tạm trú",
    "chứng thực bản sao",
    "giấy tờ gì",
    "công thức nấu phở bò",
    "đăng ký",
]


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def _vector(grams: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {g: (1 + math.log(c)) * idf[g] for g, c in grams.items() if g in idf}
    return _unit({g: w * BIGRAM if "_" in g else w for g, w in weights.items()})


def reference(items: list[tuple[str, str]], words: list[str]) -> list[tuple[str, float]]:
    """Score every intent sharing an n-gram with the query (no prefilter) with plain dicts."""
    normaliser = Normaliser(Lexicon())
    stop = normaliser.lexicon.stopwords
    grouped: dict[str, list[list[str]]] = {}
    for intent, question in items:
        grouped.setdefault(intent, []).append(normaliser.expand(question))
    vocabulary = {w for qs in grouped.values() for q in qs for w in q}
    df = Counter(g for qs in grouped.values() for g in {g for q in qs for g in features(q, stop)})
    idf = {g: math.log(1 + len(grouped) / n) for g, n in df.items()}
    grams = features(words, stop)
    query = _vector(grams, idf)
    weights = {g: idf.get(g, math.log(1 + len(grouped) / 0.5)) for g in grams}
    weights = {g: w * BIGRAM if "_" in g else w for g, w in weights.items()}
    content = [w for w in words if w not in stop]
    known = sum(w in vocabulary for w in content) / len(content) if content else 1.0
    ranked = []
    for intent, questions in grouped.items():
        samples = [_vector(features(q, stop), idf) for q in questions]
        centroid = _unit(dict(sum((Counter(s) for s in samples), Counter())))
        if not set(query) & set(centroid):
            continue
        cosine = sum(w * centroid.get(g, 0.0) for g, w in query.items())
        ranked.append((cosine, intent, questions, samples, centroid))
    ranked.sort(key=lambda r: r[0], reverse=True)
    results = []
    for cosine, intent, questions, samples, centroid in ranked[:RERANK]:
        best = max(sum(w * s.get(g, 0.0) for g, w in query.items()) for s in samples)
        cover = sum(w for g, w in weights.items() if g in centroid) / sum(weights.values())
        text = " ".join(words)
        fuzzy = max(fuzz.token_sort_ratio(text, " ".join(q)) for q in questions) / 100
        parts = {"cosine": cosine, "best": best, "cover": cover, "fuzzy": fuzzy, "known": known}
        z = BIAS + sum(WEIGHTS[k] * v for k, v in parts.items())
        results.append((intent, 1 / (1 + math.exp(-z))))
    return sorted(results, key=lambda r: r[1], reverse=True)


def _search(index: Index, text: str) -> tuple[list[str], list[Scored]]:
    words = index.normaliser.expand(text)
    return words, index.search(words, limit=RERANK)


def _generated(intents: int, seed: int) -> tuple[list[tuple[str, str]], list[str]]:
    rng = random.Random(seed)
    vocabulary = [f"{a}{b}" for a in "bcdghklmnst" for b in ("a", "ai", "e", "o", "u", "uy")]
    items = []
    for number in range(intents):
        topic = rng.sample(vocabulary, 3)
        for _ in range(6):
            words = rng.sample(topic, 2) + rng.sample(vocabulary, 3)
            items.append((f"intent_{number}", " ".join(words)))
    queries = [" ".join(rng.sample(vocabulary, rng.randint(1, 5))) for _ in range(150)]
    return items, queries


def _assert_same(index: Index, items: list[tuple[str, str]], text: str) -> None:
    words, found = _search(index, text)
    expected = reference(items, words)
    assert [s.intent for s in found] == [intent for intent, _ in expected]
    assert [s.score for s in found] == pytest.approx([score for _, score in expected], abs=1e-12)


@pytest.mark.parametrize("text", SMALL_QUERIES)
def test_small_kb_ranks_as_the_reference_does(text: str) -> None:
    index = Index.build(SMALL_KB, Normaliser(Lexicon()))
    _assert_same(index, SMALL_KB, text)


def test_generated_kb_ranks_as_the_reference_does() -> None:
    items, queries = _generated(20, seed=3)  # 20 intents: every one can be a candidate
    index = Index.build(items, Normaliser(Lexicon()))
    answered = 0
    for text in queries:
        _assert_same(index, items, text)
        answered += bool(_search(index, text)[1])
    assert answered > 100  # the queries really exercise the ranking


def test_the_closest_sample_decides_the_best_part() -> None:
    index = Index.build(SMALL_KB, Normaliser(Lexicon()))
    _, found = _search(index, "làm giấy khai sinh ở đâu")
    assert found[0].intent == "khai_sinh"
    assert found[0].best == pytest.approx(1.0)
    assert found[0].fuzzy == 1.0


def _shared_boilerplate(intents: int) -> list[tuple[str, str]]:
    """Every intent says "thu tuc ho so"; each has its own two topic words."""
    return [
        (f"intent_{n}", f"thu tuc ho so {topic}")
        for n in range(intents)
        for topic in (f"chu{n} de{n}", f"de{n} chu{n} moi")
    ]


@pytest.mark.parametrize("intents", [60, 600])
def test_common_words_select_no_candidates_so_the_cost_stays_flat(intents: int) -> None:
    index = Index.build(_shared_boilerplate(intents), Normaliser(Lexicon()))
    words = ["thu", "tuc", "ho", "so", "chu7"]
    # only "chu7" and "so_chu7" select (one intent each); the boilerplate is too common
    assert index.prefilter_cost(words) == 2
    assert index.search(words)[0].intent == "intent_7"


def test_only_common_words_still_find_candidates() -> None:
    index = Index.build(_shared_boilerplate(60), Normaliser(Lexicon()))
    found = index.search(["thu", "tuc", "ho", "so"])
    assert found  # the three rarest n-grams still select, as before the cap
    assert index.prefilter_cost(["thu", "tuc", "ho", "so"]) == 3 * 60


def test_unknown_words_find_nothing() -> None:
    index = Index.build(SMALL_KB, Normaliser(Lexicon()))
    assert index.search(["pho", "bo"]) == []
    assert index.search([]) == []
