"""The search's shortcuts give exactly what the plain computation gives.

A common n-gram is found in the candidates by a per-intent table, by scanning its posting or by
a binary search, whichever is cheapest; each must find the same entries, so forcing every
n-gram down one path must not change a single bit of the ranking.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from knowledge import index as index_module
from knowledge.index import Index, Scored, _scored
from knowledge.normaliser import Normaliser
from knowledge.schema import Lexicon


def _kb(intents: int, seed: int) -> tuple[list[tuple[str, str]], list[str]]:
    """Intents sharing words at every frequency: some in nearly all intents, some in a few."""
    rng = random.Random(seed)
    common = [f"chung{n}" for n in range(6)]  # in most intents
    middle = [f"vua{n}" for n in range(60)]  # in some tens of intents
    items = []
    for number in range(intents):
        topic = [f"rieng{number}a", f"rieng{number}b"]
        for _ in range(4):
            words = [*rng.sample(topic, 1), *rng.sample(middle, 2), *rng.sample(common, 2)]
            rng.shuffle(words)
            items.append((f"intent_{number}", " ".join(words)))
    queries = []
    for _ in range(60):
        number = rng.randrange(intents)
        words = [f"rieng{number}a", *rng.sample(middle, 2), *rng.sample(common, 3)]
        queries.append(" ".join(words))
    queries += [" ".join(rng.sample(common + middle, 4)) for _ in range(20)]  # common only
    return items, queries


def _ranking(index: Index, queries: list[str]) -> list[list[Scored]]:
    return [index.search(index.normaliser.expand(q), limit=8) for q in queries]


def test_every_lookup_path_ranks_bit_for_bit_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    items, queries = _kb(800, seed=5)
    index = Index.build(items, Normaliser(Lexicon()))
    assert index.packed.dense  # the words in most intents have their tables
    default = _ranking(index, queries)
    assert sum(bool(r) for r in default) == len(queries)

    tables = index.packed.dense
    index.packed.dense = {}
    monkeypatch.setattr(index_module, "SCAN_PER_CANDIDATE", 10**9)
    assert _ranking(index, queries) == default  # every common n-gram scanned
    monkeypatch.setattr(index_module, "SCAN_PER_CANDIDATE", 0)
    assert _ranking(index, queries) == default  # every one binary-searched
    index.packed.dense = tables
    assert _ranking(index, queries) == default  # tables, and binary search for the rest


def test_a_wrong_table_entry_changes_the_ranking() -> None:
    """The comparison above can fail: a table that misplaces an n-gram shows in the scores."""
    items, queries = _kb(800, seed=5)
    index = Index.build(items, Normaliser(Lexicon()))
    default = _ranking(index, queries)
    for table in index.packed.dense.values():
        for position, entry in enumerate(table):
            table[position] = -1 if entry >= 0 else entry
    assert _ranking(index, queries) != default


def test_tables_are_kept_only_for_ngrams_in_many_intents() -> None:
    items, _ = _kb(800, seed=5)
    packed = Index.build(items, Normaliser(Lexicon())).packed
    starts = packed.posting_start
    for gram, table in packed.dense.items():
        assert starts[gram + 1] - starts[gram] > 800 / 8
        assert len(table) == 800
    assert len(packed.dense) < 40  # the six shared words and their pairs, not every n-gram


def test_a_fast_built_score_is_the_dataclass_itself() -> None:
    fields = ("khai_sinh", 0.9, 0.8, 0.7, 0.6, 0.5, 1.0)
    fast, plain = _scored(*fields), Scored(*fields)
    assert fast == plain
    assert hash(fast) == hash(plain)
    assert repr(fast) == repr(plain)
    assert dataclasses.replace(fast, score=0.1) == dataclasses.replace(plain, score=0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.score = 0.0  # type: ignore[misc]


@pytest.mark.parametrize(("samples", "typecode"), [(256, "B"), (257, "H")])
def test_sample_numbers_take_the_fewest_bytes_that_hold_them(samples: int, typecode: str) -> None:
    items = [("nhieu", f"cau hoi so {n} ve khai sinh") for n in range(samples)]
    items += [("it", "dang ky ket hon o xa")]
    index = Index.build(items, Normaliser(Lexicon()))
    assert index.packed.sample_no.typecode == typecode
    last = f"cau hoi so {samples - 1} ve khai sinh"  # the last sample is still told apart
    [top] = index.search(index.normaliser.expand(last), limit=1)
    assert (top.intent, top.best) == ("nhieu", pytest.approx(1.0))
