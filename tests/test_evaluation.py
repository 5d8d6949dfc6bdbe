"""`cchc-bot eval` figures on a tiny labelled set whose outcomes are counted by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.evaluation import evaluate, load_devset, report, tally
from knowledge.matcher import Match, Matcher


@dataclass(frozen=True)
class AspectMatch(Match):
    """A Match carrying `.aspect`, as the matcher's does once aspects are recognised."""

    aspect: str | None = None


def _match(band: str, intent: str | None, **more: object) -> Match:
    lang = str(more.pop("lang", "vi"))
    return AspectMatch("q", lang, band, intent, 50.0, **more)  # type: ignore[arg-type]


ITEMS = [
    {"q": "a", "intent": "khai_sinh", "kind": "long", "lang": "vi", "aspect": "fee"},
    {"q": "b", "intent": "khai_sinh", "kind": "long", "lang": "vi", "aspect": "documents"},
    {"q": "c", "intent": "ket_hon", "kind": "long", "lang": "vi", "aspect": None},
    {"q": "d", "intent": "ket_hon", "kind": "long", "lang": "vi"},
    {"q": "e", "intent": "tam_tru", "kind": "long_en", "lang": "en"},
    {"q": "f", "intent": "tam_tru", "kind": "long_en", "lang": "en"},
    {"q": "g", "intent": None, "kind": "long_oos", "lang": "vi"},
    {"q": "h", "intent": None, "kind": "long_oos", "lang": "vi"},
    {"q": "i", "intent": None, "kind": "long_oos", "lang": "vi"},
    {"q": "j", "intent": None, "kind": "long_oos", "lang": "vi"},
]
MATCHES = [
    _match("answer", "khai_sinh", aspect="fee"),  # right, aspect right
    _match("answer", "ket_hon", aspect="documents"),  # confidently wrong, aspect right
    _match("suggest", "ket_hon", suggestions=("ket_hon", "khai_sinh"), aspect="fee"),  # suggested
    _match("decline", None),  # declined
    _match("answer", "tam_tru", lang="en"),  # right
    _match("suggest", "thuong_tru", suggestions=("thuong_tru",), lang="en"),  # other
    _match("decline", None, redirect="oos_thue"),  # right (declined with a redirect)
    _match("answer", "ket_hon", variant="yeu_to_nuoc_ngoai"),  # variant, not wrong
    _match("answer", "chao_hoi"),  # confidently wrong
    _match("suggest", "ket_hon", suggestions=("ket_hon",)),  # other
]


def test_outcomes_per_kind_are_counted_one_by_one() -> None:
    kinds = tally(ITEMS, MATCHES)["kinds"]
    assert kinds["long"] == {
        "total": 4,
        "accuracy": 25.0,
        "right": 1,
        "suggested": 1,
        "declined": 1,
        "variant": 0,
        "wrong": 1,
        "other": 0,
        "suggested_right": 1,
    }
    assert (kinds["long_en"]["right"], kinds["long_en"]["other"]) == (1, 1)
    oos = kinds["long_oos"]
    assert (oos["right"], oos["variant"], oos["wrong"], oos["other"]) == (1, 1, 1, 1)
    assert oos["accuracy"] == 50.0


def test_headline_rates_and_confidently_wrong() -> None:
    figures = tally(ITEMS, MATCHES)
    assert figures["vietnamese_accuracy"] == 25.0  # 1 of the 4 Vietnamese in-scope items
    assert figures["english_accuracy"] == 50.0
    assert figures["in_scope_accuracy"] == round(100 * 2 / 6, 1)
    assert figures["out_of_scope_declined"] == 50.0  # declined or a variant's own answer
    assert figures["confidently_wrong"] == {"vi": 25.0, "en": 0.0, "oos": 25.0}
    assert figures["language_detected"] == 100.0


def test_aspect_accuracy_counts_labelled_items_only() -> None:
    # Labelled: a (fee→fee ✓), b (documents→documents ✓), c (None→fee ✗); d has no label.
    assert tally(ITEMS, MATCHES)["aspect_accuracy"] == round(100 * 2 / 3, 1)
    plain = [Match("q", "vi", "decline", None, 0.0)] * len(ITEMS)
    if not hasattr(plain[0], "aspect"):  # a matcher without aspects: nothing to count
        assert tally(ITEMS, plain)["aspect_accuracy"] is None


def test_report_shows_the_outcome_columns_and_rates() -> None:
    text = report(tally(ITEMS, MATCHES))
    assert "long_oos    50.0% of    4         1         0         0         1         1" in text
    assert "Out of scope declined:     50.0%   (confidently wrong 25.0%)" in text


def test_evaluate_runs_the_matcher_on_every_item(matcher: Matcher, tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "- {q: 'đăng ký khai sinh cần giấy tờ gì', intent: khai_sinh, kind: vi, lang: vi}\n"
        "- {q: 'công thức nấu phở bò', intent: null, kind: oos, lang: vi}\n",
        encoding="utf-8",
    )
    figures = evaluate(matcher, load_devset(path))
    assert figures["questions"] == 2
    assert figures["vietnamese_accuracy"] == 100.0
    assert figures["out_of_scope_declined"] == 100.0
