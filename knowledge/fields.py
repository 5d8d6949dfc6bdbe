"""Problems with line numbers, and the checks every knowledge-base field goes through."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.schema import DEFAULT_LANG, Text, TextList
from knowledge.yamlsource import YamlError, line_of, read

_LANG = re.compile(r"^[a-z]{2,3}(-[a-z]{2,4})?$")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge base, pointing at where it is."""

    file: str
    line: int
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: entry '{self.entry}': {self.message}"
            if self.entry
            else (f"{where}: {self.message}")
        )


class KnowledgeBaseError(Exception):
    """The knowledge base has problems; `problems` lists each one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class FieldChecker:
    """Collects problems for the file and entry being read; checks keys, texts, placeholders."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.file = ""
        self.entry: str | None = None
        self.locality_keys: set[str] = set()

    def problem(self, line: int, message: str) -> None:
        """Record a problem at `line` of the current file (and entry)."""
        self.problems.append(Problem(self.file, line, self.entry, message))

    def read(self, path: Path) -> Any:
        """Parse a YAML file, recording (not raising) a syntax problem."""
        self.file = display(path)
        self.entry = None
        try:
            return read(path)
        except YamlError as exc:
            self.problem(exc.line, exc.message)
            return None

    def keys(self, raw: dict[str, Any], allowed: set[str], required: set[str], what: str) -> None:
        for key in raw:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.problem(
                    line_of(raw, key), f"unknown field '{key}' in {what} (expected: {expected})"
                )
        for key in sorted(required - raw.keys()):
            self.problem(line_of(raw), f"missing field '{key}' in {what}")

    def text(self, raw: Any, line: int, what: str, *, check: bool = True) -> Text:
        if isinstance(raw, str) and not check:
            return {DEFAULT_LANG: raw.strip()}
        if not isinstance(raw, dict):
            if raw is not None or check:
                self.problem(line, f"'{what}' must map language codes to text, e.g. {{vi: ...}}")
            return {}
        result: Text = {}
        for lang, value in raw.items():
            if not _LANG.match(str(lang)):
                self.problem(line_of(raw, lang), f"'{lang}' in '{what}' is not a language code")
            elif not isinstance(value, str | int | float) or not str(value).strip():
                self.problem(line_of(raw, lang), f"'{what}.{lang}' must be non-empty text")
            else:
                result[str(lang)] = str(value).strip()
                if check:
                    self.placeholders(str(value), line_of(raw, lang))
        if DEFAULT_LANG not in result and raw:
            self.problem(line, f"'{what}' needs a Vietnamese ('{DEFAULT_LANG}') text")
        return result

    def text_list(self, raw: Any, line: int, what: str) -> TextList:
        if not isinstance(raw, dict):
            self.problem(line, f"'{what}' must map language codes to lists, e.g. {{vi: [...]}}")
            return {}
        result: TextList = {}
        for lang, values in raw.items():
            if not _LANG.match(str(lang)):
                self.problem(line_of(raw, lang), f"'{lang}' in '{what}' is not a language code")
                continue
            if not isinstance(values, list) or not values:
                self.problem(line_of(raw, lang), f"'{what}.{lang}' must be a non-empty list")
                continue
            items: list[str] = []
            for index, value in enumerate(values):
                if not isinstance(value, str | int) or not str(value).strip():
                    self.problem(line_of(values, index), f"empty item in '{what}.{lang}'")
                    continue
                self.placeholders(str(value), line_of(values, index))
                items.append(str(value).strip())
            result[str(lang)] = items
        if DEFAULT_LANG not in result:
            self.problem(line, f"'{what}' needs a Vietnamese ('{DEFAULT_LANG}') list")
        return result

    def placeholders(self, text: str, line: int) -> None:
        for name in _PLACEHOLDER.findall(text):
            if name not in self.locality_keys:
                self.problem(line, f"placeholder {{{name}}} is not defined in locality.yaml")


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
