"""Load and validate the knowledge base; every problem names its file, line and entry."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from knowledge import normaliser
from knowledge.contests import read_contests
from knowledge.fields import FieldChecker, KnowledgeBaseError, Problem, display
from knowledge.schema import (
    CATEGORIES,
    ONLINE_LEVELS,
    Entry,
    Group,
    KnowledgeBase,
    Lexicon,
    Online,
    Procedure,
    Source,
    Text,
    TextList,
)
from knowledge.variants import read_variants
from knowledge.yamlsource import line_of

DEFAULT_DIR = Path(__file__).parent / "data"
__all__ = ["DEFAULT_DIR", "KnowledgeBaseError", "Problem", "check", "load"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

_GROUP_KEYS = {"group", "title", "order", "menu", "entries"}
_GROUP_REQUIRED = {"group", "title", "entries"}
_ENTRY_KEYS = {
    "id",
    "category",
    "title",
    "questions",
    "answer",
    "procedure",
    "source",
    "checked",
    "related",
    "variants",
}
_ENTRY_REQUIRED = {"id", "category", "title", "questions", "answer"}
_PROCEDURE_KEYS = {
    "code",
    "documents",
    "steps",
    "where",
    "fee",
    "processing_time",
    "online",
    "legal_basis",
}
_ONLINE_KEYS = {"available", "level", "url"}
_SOURCE_KEYS = {"name", "url"}
_LEXICON_KEYS = {"abbreviations", "phrases", "stopwords"}


def load(directory: Path | str | None = None) -> KnowledgeBase:
    """Load the knowledge base in `directory`; raise KnowledgeBaseError listing every problem."""
    kb, problems = _Builder(Path(directory) if directory else DEFAULT_DIR).build()
    if problems or kb is None:
        raise KnowledgeBaseError(problems)
    return kb


def check(directory: Path | str | None = None) -> list[Problem]:
    """Every problem in the knowledge base in `directory` (empty when it is valid)."""
    return _Builder(Path(directory) if directory else DEFAULT_DIR).build()[1]


class _Builder(FieldChecker):
    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    # -- top level -------------------------------------------------------------------------
    def build(self) -> tuple[KnowledgeBase | None, list[Problem]]:
        if not self.directory.is_dir():
            self.file = str(self.directory)
            self.problem(0, "knowledge base folder not found")
            return None, self.problems
        locality, example = self._locality(self.directory / "locality.yaml")
        lexicon = self._lexicon(self.directory / "lexicon.yaml")
        entries: dict[str, Entry] = {}
        groups: dict[str, Group] = {}
        where: dict[str, tuple[str, int]] = {}
        related_refs: list[tuple[str, int, str, str]] = []
        topic_files = sorted((self.directory / "topics").glob("*.yaml"))
        if not topic_files:
            self.file = display(self.directory / "topics")
            self.problem(0, "no topic files (*.yaml) found")
        for path in topic_files:
            group = self._group(path, entries, where, related_refs)
            if group is not None:
                if group.id in groups:
                    self.problem(0, f"group '{group.id}' is defined in two files")
                groups[group.id] = group
        for file, line, entry_id, ref in related_refs:
            if ref not in entries:
                self.problems.append(
                    Problem(file, line, entry_id, f"related id '{ref}' does not exist")
                )
        self._duplicate_questions(entries, where)
        contests = read_contests(self, self.directory / "contests", set(entries))
        if self.problems:
            return None, self.problems
        kb = KnowledgeBase(entries, groups, locality, lexicon, example, contests)
        return kb, self.problems

    def _locality(self, path: Path) -> tuple[dict[str, dict[str, Text]], bool]:
        data = self.read(path) if path.exists() else None
        if not path.exists():
            self.file = display(path)
            self.problem(0, "locality file is missing")
        if not isinstance(data, dict):
            if data is not None:
                self.problem(1, "locality file must be a mapping of sections")
            return {}, False
        result: dict[str, dict[str, Text]] = {}
        example = bool(data.get("example", False))
        for section, values in data.items():
            if section == "example":
                continue
            if not isinstance(values, dict):
                self.problem(line_of(data, section), f"section '{section}' must be a mapping")
                continue
            result[section] = {}
            for key, value in values.items():
                text = self.text(value, line_of(values, key), f"{section}.{key}", check=False)
                if text:
                    result[section][key] = text
                    self.locality_keys.add(f"{section}.{key}")
        return result, example

    def _lexicon(self, path: Path) -> Lexicon:
        if not path.exists():
            return Lexicon()
        data = self.read(path)
        if data is None:
            return Lexicon()
        if not isinstance(data, dict):
            self.problem(1, "lexicon must be a mapping")
            return Lexicon()
        self.keys(data, _LEXICON_KEYS, set(), "lexicon")
        maps: list[dict[str, str]] = []
        for name in ("abbreviations", "phrases"):
            raw = data.get(name) or {}
            mapping: dict[str, str] = {}
            if not isinstance(raw, dict):
                self.problem(line_of(data, name), f"'{name}' must be a mapping")
            else:
                for key, value in raw.items():
                    if not isinstance(value, str | int) or not str(value).strip():
                        self.problem(line_of(raw, key), f"{name} '{key}' needs a text value")
                        continue
                    mapping[normaliser.fold(str(key))] = normaliser.fold(str(value))
            maps.append(mapping)
        stop = data.get("stopwords") or []
        if not isinstance(stop, list):
            self.problem(line_of(data, "stopwords"), "'stopwords' must be a list")
            stop = []
        return Lexicon(maps[0], maps[1], frozenset(normaliser.fold(str(s)) for s in stop))

    def _group(
        self,
        path: Path,
        entries: dict[str, Entry],
        where: dict[str, tuple[str, int]],
        related_refs: list[tuple[str, int, str, str]],
    ) -> Group | None:
        data = self.read(path)
        if data is None:
            return None
        if not isinstance(data, dict):
            self.problem(1, "a topic file must be a mapping with 'group', 'title' and 'entries'")
            return None
        self.keys(data, _GROUP_KEYS, _GROUP_REQUIRED, "topic file")
        group_id = str(data.get("group", path.stem))
        if not _ID.match(group_id):
            self.problem(
                line_of(data, "group"), f"group id '{group_id}' must be lowercase a-z0-9_"
            )
        title = self.text(data.get("title"), line_of(data, "title"), "title")
        order = data.get("order", 50)
        if not isinstance(order, int):
            self.problem(line_of(data, "order"), "'order' must be a whole number")
            order = 50
        raw_entries = data.get("entries")
        ids: list[str] = []
        if not isinstance(raw_entries, list) or not raw_entries:
            self.problem(line_of(data, "entries"), "'entries' must be a non-empty list")
            raw_entries = []
        for index, raw in enumerate(raw_entries):
            entry = self._entry(raw, line_of(raw_entries, index), group_id, related_refs)
            if entry is None:
                continue
            if entry.id in entries:
                file, line = where[entry.id]
                self.problem(line_of(raw, "id"), f"duplicate id (first defined at {file}:{line})")
                continue
            entries[entry.id] = entry
            where[entry.id] = (self.file, line_of(raw, "id"))
            ids.append(entry.id)
        self.entry = None
        return Group(group_id, title, order, bool(data.get("menu", True)), tuple(ids))

    def _entry(
        self, raw: Any, line: int, group: str, related_refs: list[tuple[str, int, str, str]]
    ) -> Entry | None:
        self.entry = None
        if not isinstance(raw, dict):
            self.problem(line, "an entry must be a mapping")
            return None
        entry_id = raw.get("id")
        self.entry = str(entry_id) if entry_id else f"#{line}"
        if not isinstance(entry_id, str) or not _ID.match(entry_id):
            self.problem(
                line_of(raw, "id"), "'id' must be lowercase a-z0-9_ starting with a letter"
            )
        self.keys(raw, _ENTRY_KEYS, _ENTRY_REQUIRED, "entry")
        category = raw.get("category")
        if category not in CATEGORIES:
            allowed = ", ".join(CATEGORIES)
            self.problem(line_of(raw, "category"), f"category must be one of: {allowed}")
        if category == "procedure":
            for key in ("procedure", "source", "checked"):
                if key not in raw:
                    self.problem(line_of(raw), f"a procedure entry needs '{key}'")
        checked = raw.get("checked")
        if checked is not None and not isinstance(checked, dt.date):
            self.problem(line_of(raw, "checked"), "'checked' must be a date like 2026-11-21")
            checked = None
        related = raw.get("related") or []
        if not isinstance(related, list):
            self.problem(line_of(raw, "related"), "'related' must be a list of ids")
            related = []
        for index, ref in enumerate(related):
            related_refs.append((self.file, line_of(related, index), self.entry, str(ref)))
        return Entry(
            id=self.entry,
            group=group,
            category=str(category),
            title=self.text(raw.get("title"), line_of(raw, "title"), "title"),
            questions=self.text_list(raw.get("questions"), line_of(raw, "questions"), "questions"),
            answer=self.text(raw.get("answer"), line_of(raw, "answer"), "answer"),
            procedure=self._procedure(raw.get("procedure"), line_of(raw, "procedure")),
            source=self._source(raw.get("source"), line_of(raw, "source")),
            checked=checked if isinstance(checked, dt.date) else None,
            related=tuple(str(r) for r in related),
            variants=read_variants(self, raw.get("variants"), line_of(raw, "variants")),
        )

    def _procedure(self, raw: Any, line: int) -> Procedure | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.problem(line, "'procedure' must be a mapping")
            return None
        self.keys(raw, _PROCEDURE_KEYS, set(), "procedure")
        online = None
        if "online" in raw:
            online = self._online(raw["online"], line_of(raw, "online"))
        legal = raw.get("legal_basis") or []
        if not isinstance(legal, list) or not all(isinstance(x, str) for x in legal):
            self.problem(line_of(raw, "legal_basis"), "'legal_basis' must be a list of texts")
            legal = []

        def text(key: str) -> Text:
            return self.text(raw[key], line_of(raw, key), key) if key in raw else {}

        def items(key: str) -> TextList:
            return self.text_list(raw[key], line_of(raw, key), key) if key in raw else {}

        code = raw.get("code")
        return Procedure(
            code=str(code) if code is not None else None,
            documents=items("documents"),
            steps=items("steps"),
            where=text("where"),
            fee=text("fee"),
            processing_time=text("processing_time"),
            online=online,
            legal_basis=tuple(legal),
        )

    def _online(self, raw: Any, line: int) -> Online | None:
        if not isinstance(raw, dict):
            self.problem(line, "'online' must be a mapping with available, level and url")
            return None
        self.keys(raw, _ONLINE_KEYS, {"available", "level"}, "online")
        if not isinstance(raw.get("available"), bool):
            self.problem(line_of(raw, "available"), "'online.available' must be true or false")
        level = raw.get("level")
        if level not in ONLINE_LEVELS:
            allowed = ", ".join(ONLINE_LEVELS)
            self.problem(line_of(raw, "level"), f"'online.level' must be one of: {allowed}")
        url = raw.get("url")
        if url is not None:
            self.placeholders(str(url), line_of(raw, "url"))
        return Online(bool(raw.get("available")), str(level), str(url) if url else None)

    def _source(self, raw: Any, line: int) -> Source | None:
        if raw is None:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            self.problem(line, "'source' must be a mapping with at least 'name'")
            return None
        self.keys(raw, _SOURCE_KEYS, {"name"}, "source")
        url = raw.get("url")
        if url is not None:
            self.placeholders(str(url), line_of(raw, "url"))
        return Source(raw["name"], str(url) if url else None)

    # -- field helpers ---------------------------------------------------------------------
    def _duplicate_questions(
        self, entries: dict[str, Entry], where: dict[str, tuple[str, int]]
    ) -> None:
        seen: dict[str, str] = {}
        for entry in entries.values():
            for questions in entry.questions.values():
                for question in questions:
                    key = " ".join(normaliser.tokens(question))
                    owner = seen.setdefault(key, entry.id)
                    if owner != entry.id:
                        file, line = where[entry.id]
                        self.problems.append(
                            Problem(
                                file,
                                line,
                                entry.id,
                                f"sample question '{question}' is also under entry '{owner}'",
                            )
                        )
