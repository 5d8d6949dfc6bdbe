"""The boilerplate word lists are read as words: YAML must not turn "on", "no" or "yes" into
booleans, which would silently drop them from the lists."""

from __future__ import annotations

import yaml

from knowledge.subject import GENERIC_FILE, load_generic


def test_every_generic_entry_is_a_string() -> None:
    data = yaml.safe_load(GENERIC_FILE.read_text(encoding="utf-8"))
    for section, entries in data.items():
        odd = [entry for entry in entries if not isinstance(entry, str)]
        assert odd == [], f"{section}: {odd} are not strings (quote them in generic.yaml)"


def test_english_function_words_that_yaml_would_read_as_booleans_are_kept() -> None:
    english = {phrase for phrase in load_generic(section="english_only") if len(phrase) == 1}
    assert {("no",), ("yes",)} <= english
    assert ("on",) in set(load_generic())
