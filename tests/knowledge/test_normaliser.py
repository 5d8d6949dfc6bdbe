"""Folding, teencode expansion and typo repair."""

from __future__ import annotations

from knowledge.normaliser import Normaliser, fold, has_vietnamese_marks, tokens
from knowledge.schema import Lexicon


def test_fold_removes_diacritics_case_punctuation_and_emoji() -> None:
    assert fold("Làm CCCD ở đâu?? 🙏") == "lam cccd o dau"
    assert fold("ĐĂNG KÝ KẾT HÔN") == "dang ky ket hon"


def test_fold_treats_composed_and_decomposed_text_alike() -> None:
    decomposed = "Hộ tịch".encode().decode()  # NFC
    import unicodedata

    assert fold(unicodedata.normalize("NFD", decomposed)) == fold(decomposed) == "ho tich"


def test_vietnamese_marks() -> None:
    assert has_vietnamese_marks("đăng ký")
    assert not has_vietnamese_marks("dang ky")


def test_expand_abbreviations_and_phrases() -> None:
    lexicon = Lexicon(
        {"ko": "khong", "dc": "duoc", "cccd": "can cuoc cong dan"},
        {"can cuoc cong dan": "can cuoc"},
        frozenset(),
    )
    assert Normaliser(lexicon).expand("làm cccd ko dc à") == [
        "lam",
        "can",
        "cuoc",
        "khong",
        "duoc",
        "a",
    ]


def test_repair_fixes_slips_only_towards_known_words() -> None:
    normaliser = Normaliser(Lexicon())
    normaliser.set_vocabulary({"khai", "sinh", "thuong", "chung"})
    assert normaliser.repair("sinhf") == "sinh"  # a Telex tone key left behind
    assert normaliser.repair("thuogn") == "thuong"  # swapped letters
    assert normaliser.repair("chungg") == "chung"
    assert normaliser.repair("xyzw") == "xyzw"  # nothing close: unchanged
    assert normaliser.repair("sih") == "sih"  # too short to guess safely


def test_tokens() -> None:
    assert tokens("CT07, mẫu số 1") == ["ct07", "mau", "so", "1"]
