"""Decide what to do with a question: answer, suggest up to three topics, or decline.

The index ranks intents; a second small logistic model turns the best candidate's evidence
(its rank score, its lead over the runner-up, how much of the question it explains, how much of
the question the knowledge base knows at all, the question's length) into a confidence 0–100.
Both models' weights are fitted by `cchc-bot calibrate` on the labelled dev set.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from rapidfuzz.distance import Levenshtein

from knowledge.aspect import detect
from knowledge.authority import Authorities
from knowledge.decisive import DecisiveTerms
from knowledge.english import English
from knowledge.english import load_table as load_english
from knowledge.index import Index, Scored
from knowledge.langid import LanguageDetector
from knowledge.normaliser import Normaliser, tokens
from knowledge.schema import Entry, KnowledgeBase
from knowledge.subject import SubjectFit, SubjectModel
from knowledge.variants import VariantFinder

Band = Literal["answer", "suggest", "decline"]

# Confidence model over `confidence_features`, fitted by `cchc-bot calibrate`.
CONFIDENCE_WEIGHTS = (2.62, 2.94, 2.34, 3.3, 2.41, 1.25, -0.66, 1.42, 1.87, 1.39)
CONFIDENCE_BIAS = -8.96
SHORT_QUERY_WORDS = 2  # content words; "khai sinh", "chứng thực"
SHORT_QUERY_LOGIT_LEAD = 1.0  # how far the best topic must lead to answer a bare keyword
# Citizens ask the same few questions again and again ("làm căn cước ở đâu"): a match is a
# pure function of the exact text and this matcher's knowledge base, so it is kept, per
# matcher (a reload builds a new one with an empty cache), keyed by the text as typed.
MATCH_CACHE = 2048  # matches kept (a few kB each)
MATCH_CACHE_TEXT = 300  # longer texts are rarely asked twice: not kept
VARIANT_CANDIDATES = 3  # a variant is looked for among this many leading in-scope topics
VARIANT_RUNNER_UP = 0.5  # ... scoring at least this share of the best one's rank score
VARIANT_FAR = 0.1  # ... or this share, when the leader's samples lack a trigger word and the
# question names none of the leader's decisive terms (knowledge/decisive.py)
VARIANT_MIN_COVER = 0.5  # ... whose own words (triggers included) account for the subject
SUBJECT_ENOUGH = 0.5  # subject cover beyond this is no further evidence (narrative words)
SUBJECT_SHARE = 0.5  # share of a candidate's rank score that depends on covering the subject
REDIRECT_MIN_COVER = 0.4  # share of the subject words a redirect's own samples must account for
REDIRECT_MIN_PAIRS = 0.2  # ... and of the word pairs around them ("con nuôi" is not "chăn nuôi")
# An English question half of whose subject (by weight) is words the knowledge base has never
# seen is about something the English table does not know: offered, never answered outright.
ENGLISH_UNKNOWN_MAX = 0.5
# "sửa thông tin trên <giấy tờ>": the paper after these words is what the question is about
_ON_PAPER = frozenset({"tren", "trong"})
# "giấy xác nhận <gì>", "giấy chứng nhận <gì>": the word after them says which paper
_PAPER_HEADS = frozenset({("xac", "nhan"), ("chung", "nhan")})


_CLAUSE = re.compile(r"[,.;!?\n]")
_DOCUMENT_CUES = frozenset({"mang"})  # "(có phải) mang (theo)": the documents follow
# "mang … ra xã chứng thực": what is brought goes somewhere for a purpose, which names the subject
_TOWARDS = frozenset({"ra", "len", "den", "toi", "ve", "xuong", "qua", "sang"})
_ONLINE_BEFORE = frozenset({"tren", "qua", "len", "vao", "lam"})  # "trên mạng": mạng, not mang


@dataclass(frozen=True)
class Thresholds:
    """Confidence limits (0–100), calibrated on the dev set (`cchc-bot eval`)."""

    answer: float = 40.0
    suggest: float = 35.0
    margin: float = 0.0


@dataclass(frozen=True)
class Match:
    """What the matcher decided for one question."""

    query: str
    lang: str
    band: Band
    intent: str | None  # the answered entry, or the best suggestion; None when declined
    score: float
    suggestions: tuple[str, ...] = ()
    redirect: str | None = None  # the out-of-scope entry that explains where to go instead
    ranked: tuple[Scored, ...] = ()
    variant: str | None = None  # the entry's variant the question names (its own answer)
    aspect: str | None = None  # what it asks about: knowledge.aspect.ASPECTS, or None


def confidence_features(
    ranked: tuple[Scored, ...], words: int, subject: SubjectFit
) -> list[float]:
    """Evidence about the best candidate, in the order of CONFIDENCE_WEIGHTS."""
    top = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return [
        top.score,
        top.score - runner_up,
        top.cosine,
        top.best,
        top.cover,
        top.fuzzy,
        top.known,
        math.log(1 + words),
        min(subject.cover, SUBJECT_ENOUGH) / SUBJECT_ENOUGH,
        subject.unknown,
    ]


def confidence(features: list[float]) -> float:
    """Probability (0..1) that answering with the best candidate is right."""
    z = CONFIDENCE_BIAS + sum(w * x for w, x in zip(CONFIDENCE_WEIGHTS, features, strict=True))
    return 1 / (1 + math.exp(-z))


class Matcher:
    """The knowledge base's question matcher."""

    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None) -> None:
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        self.normaliser = Normaliser(kb.lexicon)
        vi_words = _words(kb, "vi") | set(kb.lexicon.abbreviations)
        en_words = _words(kb, "en")
        self.language = LanguageDetector(vi_words - en_words, en_words - vi_words)
        english = English(
            load_english(), lambda text: self.language.detect(text) == "en", _words(kb, "vi")
        )
        self.normaliser.english = english
        pairs = [
            (entry.id, question)
            for entry in kb.entries.values()
            for questions in ([*entry.questions.values(), list(entry.title.values())])
            for question in questions
        ]
        self.index = Index.build(pairs, self.normaliser)
        self.subjects = SubjectModel(kb, self.normaliser)
        self.normaliser.keep(w for phrase in self.subjects.english for w in phrase)
        vietnamese = [tokens(q) for q in _samples(kb, "vi")]
        self.normaliser.teencode_targets(
            (w for words in vietnamese for w in words),
            (pair for words in vietnamese for pair in pairwise(words)),
        )
        self.variants = VariantFinder(list(kb.entries.values()), self.normaliser)
        self.decisive = DecisiveTerms(kb, self.normaliser, self.subjects)
        self.authorities = Authorities()
        self.bodies = {  # the bodies each entry's own samples turn to
            e.id: frozenset(b for text in _texts(e) for b in self.authorities.named(text))
            for e in kb.entries.values()
        }
        english.translate = True  # from now on the texts are questions (see knowledge/english.py)
        # Thread-safe (the core's threads share the matcher); frozen `Match`es are shared.
        self._cached = functools.lru_cache(maxsize=MATCH_CACHE)(self._match_aspect)

    def _ambiguous(
        self, text: str, in_scope: list[Scored], subject: SubjectFit, lang: str
    ) -> bool:
        """A bare keyword ("chứng thực", "hồ sơ") that fits several topics almost equally well
        is a question about which topic: offer them rather than guess. Compared on the logit
        scale, where near-certain scores (0.997 vs 0.953) are still told apart."""
        if len(in_scope) < 2:
            return False
        content = [w for w in tokens(text) if w not in self.kb.lexicon.stopwords]
        # "lệ phí hộ tịch" is as bare as "hộ tịch": what is asked does not name the topic.
        bare = len(subject.words) if subject.words and lang == "vi" else len(content)
        if min(len(content), bare) > SHORT_QUERY_WORDS:
            return False
        return _logit(in_scope[0].score) - _logit(in_scope[1].score) < SHORT_QUERY_LOGIT_LEAD

    def rank(self, text: str) -> tuple[tuple[Scored, ...], int]:
        """Ranked candidate intents for `text`, and the number of words it has."""
        expanded = self.normaliser.expand(text)
        words = [self.normaliser.repair(w) for w in expanded]
        return tuple(self.index.search(words, expanded, limit=6)), len(expanded)

    def subject(self, text: str, intent: str, lang: str = "vi") -> SubjectFit:
        """How well `intent` accounts for what `text` is about (boilerplate aside)."""
        words = self.subjects.words(self.normaliser.expand(text), lang)
        return self.subjects.fit(intent, words, lang, self._purposes(text, lang))

    def order(
        self, ranked: tuple[Scored, ...], text: str, lang: str
    ) -> tuple[tuple[Scored, ...], SubjectFit]:
        """Candidates re-ordered so that one covering the question's subject words comes first;
        with the subject fit of the new best."""
        words = self.subjects.words(self.normaliser.expand(text), lang)
        purposes = self._purposes(text, lang)
        fits = {s.intent: self.subjects.fit(s.intent, words, lang, purposes) for s in ranked}
        keep = 1 - SUBJECT_SHARE

        def key(s: Scored) -> float:
            return s.score * (keep + SUBJECT_SHARE * fits[s.intent].cover)

        reordered = tuple(replace(s, score=key(s)) for s in sorted(ranked, key=key, reverse=True))
        return reordered, fits[reordered[0].intent]

    def _purposes(self, text: str, lang: str) -> frozenset[str] | None:
        """The words naming what a Vietnamese question is for; None (not looked at) in English."""
        return self.subjects.purpose_words(text) if lang == "vi" else None

    def match(self, text: str) -> Match:
        """Match one question: its topic (band, intent, score) and its aspect."""
        if len(text) > MATCH_CACHE_TEXT:
            return self._match_aspect(text)
        return self._cached(text)

    def _match_aspect(self, text: str) -> Match:
        return replace(self._match(text), aspect=detect(text, self.normaliser))

    def named(self, text: str) -> str:
        """`text` without the documents it says it will bring ("… có phải mang theo sổ hộ khẩu
        hay giấy xác nhận cư trú không"): they are what is asked about, not the procedure. The
        whole text when nothing but documents names a subject."""
        kept: list[str] = []
        cut_any = False
        for clause in _CLAUSE.split(text):
            words = tokens(clause)
            cut = next(
                (
                    i
                    for i, w in enumerate(words)
                    if w in _DOCUMENT_CUES
                    and not (i and words[i - 1] in _ONLINE_BEFORE)
                    and words[i + 1 : i + 2] != ["thai"]  # mang thai: pregnant
                    and not set(words[i + 1 :]) & _TOWARDS
                ),
                len(words),
            )
            cut_any = cut_any or cut < len(words)
            if cut:
                kept.append(" ".join(words[:cut]))
        if not cut_any:
            return text
        named = " ".join(kept)
        return named if self.subjects.words(self.normaliser.expand(named)) else text

    def _match(self, text: str) -> Match:
        lang = self.language.detect(text)
        about = self.named(text) if lang == "vi" else text  # what names the procedure
        ranked, words = self.rank(about)
        if not ranked:
            return Match(text, lang, "decline", None, 0.0)
        ranked, fit = self.order(ranked, about, lang)
        top = ranked[0]
        score = round(100 * confidence(confidence_features(ranked, words, fit)), 1)
        limits = self.thresholds
        if self.kb.entries[top.intent].out_of_scope:
            redirect = top.intent if self._redirect_fits(text, top.intent, fit) else None
            return Match(text, lang, "decline", None, score, redirect=redirect, ranked=ranked)
        if not fit.words and top.intent not in self.subjects.subjectless:
            # Boilerplate alone ("lệ phí bao nhiêu?", "cần giấy tờ gì"): no subject to answer.
            low = min(score, limits.suggest / 2)
            return Match(text, lang, "decline", None, low, ranked=ranked)
        in_scope = [s for s in ranked if not self.kb.entries[s.intent].out_of_scope]
        if self.authorities.named(text) - self.bodies[top.intent]:
            # It turns to a body the entry never speaks of (Sở …, tòa án, a shop): that body's
            # business, whatever words it shares with the entry. Never a confident answer.
            return self._elsewhere(text, lang, score, ranked, fit)
        paper = self._paper_elsewhere(text, lang, top.intent, ranked) if lang == "vi" else None
        if paper is not None:
            return Match(text, lang, "decline", None, score, redirect=paper, ranked=ranked)
        if lang == "vi" and self._other_paper(about, top.intent):
            # "giấy xác nhận số dư tài khoản": a paper the entry never names is not its own
            return self._elsewhere(text, lang, score, ranked, fit)
        named = self._variant(text, lang, in_scope)
        if named is not None:
            intent, variant = named
            return Match(text, lang, "answer", intent, score, ranked=ranked, variant=variant)
        lead = 100 * (top.score - in_scope[1].score) if len(in_scope) > 1 else 100.0
        clear = lead >= limits.margin and not self._ambiguous(about, in_scope, fit, lang)
        clear = clear and not (lang == "en" and fit.unknown >= ENGLISH_UNKNOWN_MAX)
        rival = self.decisive.rival(self.normaliser.expand(about), in_scope)
        if score >= limits.answer and clear and rival is None:
            return Match(text, lang, "answer", top.intent, score, ranked=ranked)
        if score >= limits.suggest:
            floor = top.score - 0.15
            options = tuple(s.intent for s in in_scope if s.score >= floor)[:3]
            if rival is not None:  # it names the rival's matter as well: the citizen picks
                options = (rival, *(o for o in options if o != rival))[:3]
            return Match(text, lang, "suggest", top.intent, score, options, ranked=ranked)
        return Match(text, lang, "decline", None, score, ranked=ranked)

    def _paper_elsewhere(
        self, text: str, lang: str, intent: str, ranked: tuple[Scored, ...]
    ) -> str | None:
        """The out-of-scope entry owning the paper the question is about, when it names one
        ("đính chính thông tin trên sổ đỏ": the two words after "trên"/"trong", both subject
        words) that the matched entry's own samples never name whole, and that entry's redirect
        fits the question."""
        expanded = self.normaliser.expand(text)
        own = self.subjects.pairs.get(intent, frozenset())
        for i, word in enumerate(expanded[:-2]):
            if word not in _ON_PAPER:
                continue
            paper = (expanded[i + 1], expanded[i + 2])
            if paper in own or self.subjects.words(paper) != paper:
                continue
            for scored in ranked:
                entry = scored.intent
                if (
                    self.kb.entries[entry].out_of_scope
                    and paper in self.subjects.pairs.get(entry, frozenset())
                    and self._redirect_fits(text, entry, self.subject(text, entry, lang))
                ):
                    return entry
        return None

    def _other_paper(self, text: str, intent: str) -> bool:
        """Whether the question names a "giấy xác nhận / chứng nhận <X>" whose X (a subject
        word) the entry's own samples never put after those words, not even one letter off
        ("tìn trạng" is a slip for "tình trạng")."""
        expanded = self.normaliser.expand(text)
        own = self.subjects.pairs.get(intent, frozenset())
        for i in range(len(expanded) - 2):
            if (expanded[i], expanded[i + 1]) not in _PAPER_HEADS:
                continue
            which = expanded[i + 2]
            if not self.subjects.words((which,)):
                continue  # boilerplate follows ("xác nhận ở đâu")
            head = expanded[i + 1]
            after = {b for a, b in own if a == head and self.subjects.words((b,))}
            if which not in after and not (
                len(which) > 2 and any(_one_letter_off(which, b) for b in after)
            ):
                return True
        return False

    def _elsewhere(
        self,
        text: str,
        lang: str,
        score: float,
        ranked: tuple[Scored, ...],
        fit: SubjectFit,
    ) -> Match:
        """A question for another body: declined with the first out-of-scope entry among the
        candidates that fits it, else with the plain decline (hotline, offer to forward). Our
        topics are not offered: what the citizen asks of that body is not what they explain."""
        for scored in ranked:
            entry = scored.intent
            if self.kb.entries[entry].out_of_scope and self._redirect_fits(text, entry, fit):
                return Match(text, lang, "decline", None, score, redirect=entry, ranked=ranked)
        return Match(text, lang, "decline", None, score, ranked=ranked)

    def _redirect_fits(self, text: str, redirect: str, fit: SubjectFit) -> bool:
        """A redirect is shown only when its own words account for the question's subject
        (a question of boilerplate alone, "nộp ở đâu", has no subject a redirect could fit)."""
        if not fit.words or fit.cover < REDIRECT_MIN_COVER:
            return False
        pairs = self.subjects.subject_pairs(self.normaliser.expand(text))
        return self.subjects.pair_share(redirect, pairs) >= REDIRECT_MIN_PAIRS

    def _variant(self, text: str, lang: str, in_scope: list[Scored]) -> tuple[str, str] | None:
        """(entry, variant) when the question names a variant of one of the leading topics."""
        words = self.normaliser.expand(text)
        leader = in_scope[0].intent
        for scored in in_scope[:VARIANT_CANDIDATES]:
            if scored.score < VARIANT_FAR * in_scope[0].score:
                break
            hit = self.variants.named(scored.intent, words)
            if hit is None:
                continue
            phrase, variant = hit
            if scored.score < VARIANT_RUNNER_UP * in_scope[0].score and (
                set(phrase) <= self.subjects.vocabulary[leader]
                or self.decisive.names_own(leader, words)
            ):
                continue  # far behind: only when the leader neither names nor owns the matter
            if self.subject(text, scored.intent, lang).cover >= VARIANT_MIN_COVER:
                return scored.intent, variant.id
        return None


def _one_letter_off(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by adding, dropping or changing at most one letter."""
    return Levenshtein.distance(a, b, score_cutoff=1) <= 1


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _samples(kb: KnowledgeBase, lang: str) -> list[str]:
    """Every sample question and title in `lang`."""
    return [
        text
        for e in kb.entries.values()
        for text in [*e.questions.get(lang, []), *([e.title[lang]] if lang in e.title else [])]
    ]


def _texts(entry: Entry) -> list[str]:
    """The entry's sample questions, titles and variant triggers, every language."""
    texts = [q for qs in entry.questions.values() for q in qs] + list(entry.title.values())
    return texts + [t for v in entry.variants for ts in v.triggers.values() for t in ts]


def _words(kb: KnowledgeBase, lang: str) -> set[str]:
    return {w for e in kb.entries.values() for q in e.questions.get(lang, []) for w in tokens(q)}
