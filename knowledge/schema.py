"""Typed knowledge-base objects, built by the loader from YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from knowledge.contests import Contest

Text = dict[str, str]  # language code -> text
TextList = dict[str, list[str]]  # language code -> items

Category = Literal["procedure", "service", "contact", "info", "bot", "out_of_scope"]
CATEGORIES: tuple[str, ...] = ("procedure", "service", "contact", "info", "bot", "out_of_scope")
ONLINE_LEVELS: tuple[str, ...] = ("toan_trinh", "mot_phan", "khong")
DEFAULT_LANG = "vi"


def pick(text: Text, lang: str) -> str:
    """The text in `lang`, falling back to Vietnamese."""
    return text.get(lang) or text.get(DEFAULT_LANG) or next(iter(text.values()), "")


@dataclass(frozen=True)
class Online:
    available: bool
    level: str
    url: str | None = None


@dataclass(frozen=True)
class Procedure:
    code: str | None = None
    documents: TextList = field(default_factory=dict)
    steps: TextList = field(default_factory=dict)
    where: Text = field(default_factory=dict)
    fee: Text = field(default_factory=dict)
    processing_time: Text = field(default_factory=dict)
    online: Online | None = None
    legal_basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class Variant:
    """A case inside an entry that its general answer does not cover (or covers differently)."""

    id: str
    triggers: TextList  # phrases (any language) that name this case in a question
    answer: Text  # its own short answer, or where to go instead
    where: Text = field(default_factory=dict)
    legal_basis: tuple[str, ...] = ()
    title: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    id: str
    group: str
    category: str
    title: Text
    questions: TextList
    answer: Text
    procedure: Procedure | None = None
    source: Source | None = None
    checked: dt.date | None = None
    related: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()

    @property
    def out_of_scope(self) -> bool:
        return self.category == "out_of_scope"


@dataclass(frozen=True)
class Group:
    id: str
    title: Text
    order: int
    menu: bool
    entry_ids: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    abbreviations: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()


@dataclass(frozen=True)
class KnowledgeBase:
    entries: dict[str, Entry]
    groups: dict[str, Group]
    locality: dict[str, dict[str, Text]]
    lexicon: Lexicon
    example_locality: bool = False
    contests: dict[str, Contest] = field(default_factory=dict)  # knowledge contests, by id

    def menu_groups(self) -> list[Group]:
        """Groups shown in the main menu, in menu order."""
        return sorted((g for g in self.groups.values() if g.menu), key=lambda g: g.order)

    def locality_value(self, key: str, lang: str) -> str | None:
        """A `section.key` value from the locality file, in `lang` where written."""
        section, _, name = key.partition(".")
        value = self.locality.get(section, {}).get(name)
        return None if value is None else pick(value, lang)
