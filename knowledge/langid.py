"""Language of a short chat message: Vietnamese (with or without diacritics), English or other.

langdetect alone misreads short unaccented Vietnamese ("lam cccd o dau"), so a rule looks first:
Vietnamese-only letters settle it; otherwise words are checked against Vietnamese syllable
structure and the two vocabularies the knowledge base and lexicon provide. langdetect decides
only what the rule cannot (longer text in a third language, or a tie).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from langdetect import DetectorFactory, LangDetectException, detect_langs

from knowledge.normaliser import fold, has_vietnamese_marks

DetectorFactory.seed = 0  # langdetect is random unless seeded
MIXED_MIN_WORDS = 6  # an English question quoting a few Vietnamese words ("my hồ sơ")...
MIXED_MARKED_SHARE = 0.25  # ... has at most this share of marked words

# Vietnamese syllable without tones: optional onset, a vowel nucleus, optional coda.
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"(uye|uya|uoi|uou|ươi|oai|oay|oeo|uay|uây|ieu|yeu|uyu|"
    r"ia|ie|ye|ua|uo|ai|ao|au|ay|eo|eu|oa|oe|oi|ui|uy|iu|ue|"
    r"[aeiouy])"
    r"(ch|ng|nh|[cmnpt])?$"
)
_ENGLISH_WORDS = frozenset(
    """
    a an the is are was were be been am i you he she we they it my your our their me us him
    her them this that these those what when where which who whom why how do does did can
    could should would will shall may might must have has had not no yes please hello hi
    thanks thank to of in on at for from with about by and or but if so as into than then
    there here get got make made need needs want apply register registration certificate card
    office number phone fee fees cost much many long time online where's what's how's i'm
    don't can't lost renew birth death marriage married residence temporary permanent copy
    sign signature contract help document documents paper papers submit service services
    portal account password complaint feedback subscribe unsubscribe news staff person human
    talk speak citizen id
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def is_vietnamese_syllable(word: str) -> bool:
    """True when a folded word could be a Vietnamese syllable typed without diacritics."""
    return bool(_SYLLABLE.match(word))


class LanguageDetector:
    """Rule first, langdetect second."""

    def __init__(
        self,
        vietnamese_words: Iterable[str] = (),
        english_words: Iterable[str] = (),
        default: str = "vi",
    ) -> None:
        self.vi_words = frozenset(vietnamese_words)
        self.en_words = _ENGLISH_WORDS | frozenset(english_words)
        self.default = default

    def detect(self, text: str) -> str:
        """ISO 639-1 code of `text` ('vi', 'en', ...), or the default when nothing tells."""
        if has_vietnamese_marks(text):
            return self._marked(text)
        return self._unmarked(text)

    def _marked(self, text: str) -> str:
        """Vietnamese, unless a few marked words ("hồ sơ", "Tuấn", "khiếu nại") sit in a longer
        English question: at most a quarter of its words, and the rest reads as English."""
        words = text.split()
        marked = [w for w in words if has_vietnamese_marks(w)]
        if len(words) >= MIXED_MIN_WORDS and len(marked) <= len(words) * MIXED_MARKED_SHARE:
            rest = " ".join(w for w in words if not has_vietnamese_marks(w))
            if self._unmarked(rest) == "en":
                return "en"
        return "vi"

    def _unmarked(self, text: str) -> str:
        words = fold(text).split()
        letters = [w for w in words if not w.isdigit()]
        if not letters:
            return self._langdetect(text) if _has_letters(text) else self.default
        vi = en = 0.0
        for word in letters:
            syllable = is_vietnamese_syllable(word)
            if word in self.vi_words:
                vi += 1.0
            elif syllable:
                vi += 0.5
            if word in self.en_words:
                en += 1.0
            elif not syllable and word not in self.vi_words:
                en += 0.5
        if vi > en:
            return "vi"
        if en > vi:
            return "en" if en >= len(letters) * 0.5 or len(letters) < 4 else self._other(text)
        return self._other(text)

    def _other(self, text: str) -> str:
        found = self._langdetect(text)
        return found if found else self.default

    def _langdetect(self, text: str) -> str:
        try:
            ranked = detect_langs(text)
        except LangDetectException:
            return self.default
        best = ranked[0] if ranked else None
        if best is None:
            return self.default
        return str(best.lang).split("-")[0]


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
