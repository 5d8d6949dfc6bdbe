"""Words that decide between two topics sharing a subject.

The civil-status topics all speak of "khai sinh"; what tells "xin bản sao trích lục khai sinh"
from a birth registration is "trích lục", a word only the extract entry's samples use. An
entry's *decisive terms* are the subject words, and pairs of subject words next to each other,
that its own sample questions use again and again (`MIN_USES` samples or more) and other
in-scope entries rarely (`MIN_SHARE` of all uses or more are its own).

A runner-up is a *rival* of the leading topic when the question names one of the runner-up's
decisive terms and none of the leader's, and the runner-up's samples speak of every word of the
leader's title the question names ("trích lục" entry: "bản sao trích lục khai sinh" is about a
birth record). The question is then about the runner-up's matter at least as much as the
leader's: the matcher does not answer the leader confidently but offers both
(knowledge/matcher.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import pairwise

from knowledge.index import Scored
from knowledge.normaliser import Normaliser
from knowledge.schema import KnowledgeBase
from knowledge.subject import SubjectModel

MIN_USES = 2  # samples of the entry that use the term
MIN_SHARE = 0.8  # share of all in-scope samples using the term that are the entry's own
RIVALS = 3  # a rival is looked for among this many leading in-scope topics
RIVAL_SHARE = 0.5  # ... scoring at least this share of the leader's rank score

Term = tuple[str, ...]


def terms(expanded: Sequence[str], subjects: SubjectModel) -> set[Term]:
    """The subject words of an expanded text and the pairs of subject words next to each other
    once the boilerplate is left out ("đăng ký kết hôn" gives "kết hôn", never "ký kết")."""
    words = subjects.words(expanded)
    return {(w,) for w in words} | set(pairwise(words))


class DecisiveTerms:
    """Each in-scope entry's decisive terms and title words; finds a leader's rival."""

    def __init__(self, kb: KnowledgeBase, normaliser: Normaliser, subjects: SubjectModel) -> None:
        self.subjects = subjects
        uses: dict[Term, Counter[str]] = defaultdict(Counter)
        for entry in kb.entries.values():
            if entry.out_of_scope:
                continue
            texts = [q for qs in entry.questions.values() for q in qs] + list(entry.title.values())
            for text in texts:
                for term in terms(normaliser.expand(text), subjects):
                    uses[term][entry.id] += 1
        owned: dict[str, set[Term]] = defaultdict(set)
        for term, by_entry in uses.items():
            entry_id, count = by_entry.most_common(1)[0]
            if count >= MIN_USES and count >= MIN_SHARE * sum(by_entry.values()):
                owned[entry_id].add(term)
        self.owned = {entry_id: frozenset(ts) for entry_id, ts in owned.items()}
        self.titles = {
            e.id: frozenset(
                w for t in e.title.values() for w in subjects.words(normaliser.expand(t))
            )
            for e in kb.entries.values()
        }

    def named(self, entry_id: str, found: set[Term]) -> bool:
        """Whether a question with these `terms` names one of the entry's decisive terms."""
        return not found.isdisjoint(self.owned.get(entry_id, frozenset()))

    def names_own(self, entry_id: str, expanded: Sequence[str]) -> bool:
        """Whether the question names one of the entry's decisive terms."""
        return self.named(entry_id, terms(expanded, self.subjects))

    def rival(self, expanded: Sequence[str], in_scope: Sequence[Scored]) -> str | None:
        """The leader's rival among the leading in-scope candidates, if any (see above)."""
        if len(in_scope) < 2:
            return None
        found = terms(expanded, self.subjects)
        leader = in_scope[0]
        if self.named(leader.intent, found):
            return None
        title = {t[0] for t in found if len(t) == 1} & self.titles.get(leader.intent, set())
        for scored in in_scope[1:RIVALS]:
            if scored.score < RIVAL_SHARE * leader.score:
                break
            own = self.subjects.vocabulary.get(scored.intent, frozenset())
            if self.named(scored.intent, found) and title <= own:
                return scored.intent
        return None
