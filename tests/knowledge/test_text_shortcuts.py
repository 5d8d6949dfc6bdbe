"""Shortcuts in the text handling give what the plain computation gives.

`Normaliser.expand` skips a synonym phrase whose first word the text does not hold, unless
another phrase's wording may bring that word in; the subject model keeps its phrase tables by
first word instead of rebuilding them for every question.
"""

from __future__ import annotations

from knowledge.normaliser import Normaliser
from knowledge.schema import Lexicon
from knowledge.subject import strip_phrases


def _plain_expand(lexicon: Lexicon, words: list[str]) -> list[str]:
    """Every phrase looked for in turn, longest first, as `expand` is specified."""
    joined = f" {' '.join(words)} "
    for phrase, canonical in sorted(lexicon.phrases.items(), key=lambda kv: -len(kv[0])):
        joined = joined.replace(f" {phrase} ", f" {canonical} ")
    return joined.split()


def test_a_phrase_brought_in_by_another_phrase_is_still_mapped() -> None:
    # "so ho khau" becomes "giay cu tru"; then "cu tru moi" (as long, listed later) occurs
    # only thanks to that first mapping: its first word "cu" was never typed.
    lexicon = Lexicon(phrases={"so ho khau": "giay cu tru", "cu tru moi": "cu tru", "ab cd": "x"})
    normaliser = Normaliser(lexicon)
    assert normaliser.expand("so ho khau moi") == ["giay", "cu", "tru"]
    assert normaliser.expand("ab cd ef") == ["x", "ef"]
    assert normaliser.expand("cd ab") == ["cd", "ab"]


def test_expand_maps_phrases_as_the_plain_loop_does() -> None:
    lexicon = Lexicon(
        phrases={
            "can cuoc cong dan": "can cuoc",
            "the can cuoc": "can cuoc",
            "chung minh nhan dan": "can cuoc",
            "cuoc song": "doi song",
            "so ho khau": "ho khau",
            "ho khau": "cu tru",
        }
    )
    normaliser = Normaliser(lexicon)
    texts = [
        "lam the can cuoc cong dan o dau",
        "mat chung minh nhan dan va so ho khau",
        "the can cuoc song",
        "ho khau",
        "",
        "khong co gi",
    ]
    for text in texts:
        assert normaliser.expand(text) == _plain_expand(lexicon, text.split())


def test_phrase_tables_follow_the_phrases_given() -> None:
    words = ["thu", "tuc", "khai", "sinh", "o", "dau"]
    first = (("thu", "tuc"),)
    second = (("khai", "sinh"), ("o", "dau"))
    assert strip_phrases(words, first) == ["khai", "sinh", "o", "dau"]
    assert strip_phrases(words, second) == ["thu", "tuc"]
    assert strip_phrases(words, first) == ["khai", "sinh", "o", "dau"]  # kept, and still right
    assert strip_phrases(words, [("khai", "sinh")]) == ["thu", "tuc", "o", "dau"]  # a list
    assert strip_phrases(words, second, keep=(("khai", "sinh"),)) == ["thu", "tuc", "khai", "sinh"]
