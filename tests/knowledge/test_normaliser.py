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


def test_teencode_spellings_fold_to_known_words_only() -> None:
    normaliser = Normaliser(Lexicon({"ko": "khong", "u": "you"}, {}, frozenset({"okk"})))
    assert normaliser.expand("fí zậy") == ["fi", "zay"]  # no vocabulary yet: unchanged
    normaliser.set_vocabulary({"phi", "vay", "qua", "giay", "khong", "ok", "gay", "done"})
    assert normaliser.expand("đóng fí zậy") == ["dong", "phi", "vay"]
    assert normaliser.expand("wá jấy khôg") == ["qua", "giay", "khong"]
    assert normaliser.expand("khonggg koo") == ["khong", "khong"]  # a held key; an abbreviation
    assert normaliser.expand("con 14t") == ["con", "14", "tuoi"]
    assert normaliser.expand("zalo fpt") == ["zalo", "fpt"]  # nothing known: unchanged
    assert normaliser.expand("gái uu") == ["gai", "uu"]  # real words and letters stay
    assert normaliser.expand("okk") == ["okk"]  # a stopword is never rewritten
    normaliser.keep({"chut"})
    normaliser.teencode_targets({"phi", "vay", "qua", "giay", "khong"})
    assert normaliser.expand("zone") == ["zone"]  # "done" is not a Vietnamese target
