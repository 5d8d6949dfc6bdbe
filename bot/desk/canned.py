"""Canned replies the office keeps (bot/desk/data/canned.yaml), offered on the item page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT = Path(__file__).resolve().parent / "data" / "canned.yaml"


@dataclass(frozen=True)
class Canned:
    """One ready answer: a short title to pick it by, and its text."""

    title: str
    text: str


def load(path: Path = DEFAULT) -> list[Canned]:
    """The replies in the file, in order (re-read each time: edits apply at once)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [Canned(str(item["title"]), str(item["text"]).strip()) for item in raw]
