"""Short replies people type instead of pressing a button, compared after folding diacritics."""

from __future__ import annotations

from knowledge.normaliser import fold

CANCEL = frozenset({"huy", "huy bo", "cancel", "stop", "thoi", "dung lai", "khong gui nua"})
SKIP = frozenset({"bo qua", "skip", "khong", "ko", "k", "no", "khong co", "khong can", "next"})
YES = frozenset({"co", "dong y", "yes", "ok", "oke", "okay", "uh", "u", "vang", "da", "duoc"})
NO = frozenset({"khong", "ko", "k", "no", "khong dong y", "thoi", "an danh", "bo qua", "skip"})
CONFIRM = frozenset({"gui", "gui di", "gui phan anh", "xac nhan", "dong y", "ok", "send", "yes"})
EDIT = frozenset({"sua", "chinh sua", "edit", "sua lai"})
CONTINUE = frozenset({"tiep", "tiep tuc", "xong", "het", "continue", "done", "next"})


def is_one_of(text: str, words: frozenset[str]) -> bool:
    """True when the whole message, folded, is one of `words`."""
    return fold(text) in words
