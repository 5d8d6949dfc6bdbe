"""Small talk: thanks, greetings, goodbyes, "ok", laughter and emoji get a short, warm reply.

Checked before the matcher on the whole message. After folding, every word must belong to a
known phrase or a filler word ("nhé", "ạ", "bạn"), so "chào bạn, cho hỏi làm căn cước ở đâu"
still goes to the matcher as a question. Small talk is not a question: nothing is logged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.menu import home_row
from bot.messages import Reply
from bot.render import say
from bot.turn import Turn
from knowledge.normaliser import fold, has_vietnamese_marks

DATA = Path(__file__).with_name("data") / "smalltalk.yaml"
# When a message mixes kinds ("ok cảm ơn, tạm biệt") the reply answers the first of these.
PRIORITY = ("goodbye", "thanks", "greeting", "ack", "laugh", "emoji")
_IGNORED_MARKS = frozenset("\ufe0f\ufe0e\u200d\u20e3")  # variation selectors, joiner, keycap
_MAX_PHRASE_WORDS = 4


@dataclass(frozen=True)
class Chat:
    """What a small-talk message is: its kind, and its language when the words tell one."""

    kind: str
    lang: str | None


class SmallTalk:
    """The phrase table and the text hook that answers from it."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.max_words = int(data["max_words"])
        self.fillers = frozenset(str(f) for f in data["fillers"])
        self.phrases: dict[str, tuple[str, str | None]] = {}
        for kind, by_lang in data["phrases"].items():
            for lang, phrases in by_lang.items():
                for phrase in phrases:
                    self.phrases.setdefault(str(phrase), (kind, None if lang == "any" else lang))
        self.laughter = re.compile(data["laughter"])
        self.emoticon = re.compile(data["emoticon"])
        self.emoji = {str(k): str(v) for k, v in data["emoji"].items()}

    @classmethod
    def load(cls, path: Path = DATA) -> SmallTalk:
        """The table in `path` (the packaged one by default)."""
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def classify(self, text: str) -> Chat | None:
        """The small talk `text` is, or None when it says anything more."""
        words = fold(text).split()
        if not words:
            return self._emoji(text)
        if len(words) > self.max_words:
            return None
        found = self._segment(words)
        if not found:
            return None
        kind = min((k for k, _ in found), key=PRIORITY.index)
        langs = {lang for _, lang in found if lang}
        if has_vietnamese_marks(text) or "vi" in langs:
            return Chat(kind, "vi")
        return Chat(kind, "en" if langs == {"en"} else None)

    def _segment(self, words: list[str]) -> list[tuple[str, str | None]]:
        """The phrases covering all of `words` (fillers skipped); empty when some word is not."""
        found: list[tuple[str, str | None]] = []
        i = 0
        while i < len(words):
            for size in range(min(_MAX_PHRASE_WORDS, len(words) - i), 0, -1):
                piece = " ".join(words[i : i + size])
                if piece in self.phrases:
                    found.append(self.phrases[piece])
                    break
                if piece in self.fillers:
                    break
            else:
                if not self.laughter.match(words[i]):
                    return []
                found.append(("laugh", None))
                size = 1
            i += size
        return found

    def _emoji(self, text: str) -> Chat | None:
        """A message of emoji (and punctuation) only; punctuation alone is not small talk."""
        compact = "".join(text.split())
        if self.emoticon.match(compact):
            return Chat("laugh", None)
        symbols = [ch for ch in compact if unicodedata.category(ch) in ("So", "Sk")]
        rest = [ch for ch in compact if ch not in symbols and ch not in _IGNORED_MARKS]
        if not symbols or any(not unicodedata.category(ch).startswith("P") for ch in rest):
            return None
        kinds = [self.emoji[ch] for ch in symbols if ch in self.emoji]
        return Chat(min(kinds, key=PRIORITY.index) if kinds else "emoji", None)

    @staticmethod
    def _language(turn: Turn, chat: Chat) -> str:
        """The citizen's choice; else the words' language; else (laughter, emoji, "ok") the
        menus' language, never a guess from "haha" or "😂", which carry no language."""
        if turn.contact.language_chosen:
            return turn.lang
        return chat.lang or turn.contact.language

    def reply(self, turn: Turn) -> list[Reply] | None:
        """The text hook: a short reply to small talk, None for anything else."""
        chat = self.classify(turn.inbound.text)
        if chat is None:
            return None
        lang = self._language(turn, chat)
        buttons = (home_row(turn.kb, lang),) if chat.kind == "greeting" else ()
        text = say(turn.kb, f"smalltalk.{chat.kind}", lang)
        return [Reply(text, buttons, {"smalltalk": chat.kind})]
