"""Variants: cases inside an entry that its general answer does not cover, or covers differently.

"Kết hôn với người nước ngoài" is not the domestic marriage procedure; "khai sinh quá hạn" is
birth registration with its own rule. An entry lists such cases with trigger phrases; when a
question names one, the variant's short answer (or where to go) is shown instead of the entry's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from knowledge.fields import FieldChecker
from knowledge.normaliser import Normaliser
from knowledge.schema import Entry, Variant
from knowledge.yamlsource import line_of

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = {"id", "title", "triggers", "answer", "where", "legal_basis"}
_REQUIRED = {"id", "triggers", "answer"}


def read_variants(checker: FieldChecker, raw: Any, line: int) -> tuple[Variant, ...]:
    """An entry's `variants:` list, each problem recorded on `checker`."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        checker.problem(line, "'variants' must be a non-empty list of mappings")
        return ()
    variants: list[Variant] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            checker.problem(
                line_of(raw, index), "a variant must be a mapping (id, triggers, answer)"
            )
            continue
        checker.keys(item, _KEYS, _REQUIRED, "variant")
        variant_id = item.get("id")
        if not isinstance(variant_id, str) or not _ID.match(variant_id):
            checker.problem(line_of(item, "id"), "variant 'id' must be lowercase a-z0-9_")
            continue
        if any(v.id == variant_id for v in variants):
            checker.problem(line_of(item, "id"), f"variant id '{variant_id}' appears twice")
            continue
        legal = item.get("legal_basis") or []
        if not isinstance(legal, list) or not all(isinstance(x, str) for x in legal):
            checker.problem(line_of(item, "legal_basis"), "'legal_basis' must be a list of texts")
            legal = []
        where, name = item.get("where"), item.get("title")
        variants.append(
            Variant(
                id=variant_id,
                triggers=checker.text_list(
                    item.get("triggers"), line_of(item, "triggers"), "triggers"
                ),
                answer=checker.text(item.get("answer"), line_of(item, "answer"), "answer"),
                where=checker.text(where, line_of(item, "where"), "where") if where else {},
                legal_basis=tuple(legal),
                title=checker.text(name, line_of(item, "title"), "title") if name else {},
            )
        )
    return tuple(variants)


class VariantFinder:
    """Finds the variant a question names, among the candidate entries' variants."""

    def __init__(self, entries: Sequence[Entry], normaliser: Normaliser) -> None:
        self.triggers: dict[str, list[tuple[tuple[str, ...], Variant]]] = {}
        for entry in entries:
            found = [
                (tuple(normaliser.expand(phrase)), variant)
                for variant in entry.variants
                for phrases in variant.triggers.values()
                for phrase in phrases
            ]
            if found:
                self.triggers[entry.id] = sorted(found, key=lambda pair: -len(pair[0]))

    def find(self, entry_id: str, words: Sequence[str]) -> Variant | None:
        """The first variant of `entry_id` whose trigger phrase occurs in `words`."""
        hit = self.named(entry_id, words)
        return hit[1] if hit else None

    def named(self, entry_id: str, words: Sequence[str]) -> tuple[tuple[str, ...], Variant] | None:
        """The first (longest) trigger phrase of `entry_id` occurring in `words`, with its
        variant."""
        for phrase, variant in self.triggers.get(entry_id, ()):
            if phrase and _contains(words, phrase):
                return phrase, variant
        return None


def _contains(words: Sequence[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[i : i + size]) == phrase for i in range(len(words) - size + 1))
