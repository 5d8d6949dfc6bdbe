"""A feedback draft: what the citizen has told us so far, stored as dialogue-state data."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.feedback import phones
from bot.feedback.texts import category_label, text
from bot.messages import Attachment

MIN_WORDS = 3  # "trễ hẹn" alone does not tell staff what happened
MAX_DESCRIPTION = 10_000  # characters; about three full Telegram messages
MAX_PLACE = 300
MAX_NAME = 120
MAX_ATTACHMENTS = 10
PREVIEW = 600
CHUNK = 3500  # characters per message: below Telegram's 4096, with room for a channel's markup

STEPS = ("category", "description", "place", "consent", "name", "phone", "summary")


@dataclass
class Draft:
    """Fields are filled step by step; `None` means "not asked yet", "" means "skipped"."""

    category: str | None = None
    description: str = ""
    description_done: bool = False
    rewrite: bool = False  # the next description text replaces instead of adding
    attachments: list[dict[str, str]] = field(default_factory=list)
    place: str | None = None
    consent: bool | None = None
    name: str | None = None
    phone: str | None = None
    question_id: int | None = None

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Draft:
        """The draft stored in a dialogue state (unknown keys from older versions ignored).

        A deep copy: changing the loaded JSON in place would also change SQLAlchemy's copy
        of the old value, and the new state would then compare equal and never be written.
        """
        known = {k: v for k, v in copy.deepcopy(data).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def to_state(self) -> dict[str, Any]:
        """JSON-able data for the dialogue state."""
        return asdict(self)

    def next_step(self) -> str:
        """The first step still missing an answer (the summary when none is)."""
        if self.category is None:
            return "category"
        if not self.description_done:
            return "description"
        if self.place is None:
            return "place"
        if self.consent is None:
            return "consent"
        if self.consent and self.name is None:
            return "name"
        if self.consent and self.phone is None:
            return "phone"
        return "summary"

    def add_description(self, addition: str) -> bool:
        """Append (or, when rewriting, replace) text; False when the length limit cut it."""
        addition = addition.strip()
        base = "" if self.rewrite else self.description
        self.rewrite = False
        combined = f"{base}\n{addition}" if base else addition
        self.description = combined[:MAX_DESCRIPTION]
        return len(combined) <= MAX_DESCRIPTION

    def description_sufficient(self) -> bool:
        """At least a few words with letters in them."""
        words = [w for w in self.description.split() if any(c.isalpha() for c in w)]
        return len(words) >= MIN_WORDS

    def add_attachments(self, attachments: tuple[Attachment, ...]) -> int:
        """Keep channel references to files (never the bytes); returns how many were kept."""
        room = MAX_ATTACHMENTS - len(self.attachments)
        kept = [
            {"kind": a.kind, "ref": a.ref, "name": a.name or ""}
            for a in attachments[: max(room, 0)]
        ]
        self.attachments.extend(kept)
        return len(kept)

    def contact_details(self) -> tuple[str | None, str | None]:
        """Name and phone to store: only with consent, and only what was given."""
        if not self.consent:
            return None, None
        return (self.name or None), (self.phone or None)

    def summary(self, lang: str) -> str:
        """The confirmation text (long descriptions shortened; the full text is kept)."""
        none = text("summary.none", lang)
        name, phone = self.contact_details()
        contact = ", ".join(p for p in (name, phones.display(phone) if phone else None) if p)
        return text(
            "summary",
            lang,
            category=category_label(self.category or "khac", lang),
            description=preview(self.description),
            attachments=str(len(self.attachments)) if self.attachments else none,
            place=self.place or none,
            contact=contact or text("summary.anonymous", lang),
        )


def preview(value: str, limit: int = PREVIEW) -> str:
    """`value` shortened to `limit` characters with an ellipsis."""
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def chunks(text: str, size: int = CHUNK) -> list[str]:
    """`text` cut into pieces of at most `size` characters, at line breaks where possible."""
    parts: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return parts
