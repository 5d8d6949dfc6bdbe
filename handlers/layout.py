"""Layout for channels without buttons or with short messages: split text at a limit, show
buttons as numbered choices."""

from __future__ import annotations

from bot.messages import Button, Reply

SEPARATORS = ("\n\n", "\n", " ")  # paragraph, line, word: the cleanest cut first


def units(text: str) -> int:
    """Length in UTF-16 code units (never less than characters; what most platforms count)."""
    return len(text.encode("utf-16-le")) // 2


def split(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` units, cut at the cleanest boundary."""
    pieces = _pack(text.strip(), SEPARATORS, limit)
    return [p for p in (piece.strip("\n") for piece in pieces) if p.strip()] or ["…"]


def numbered(replies: list[Reply], start: int = 1) -> tuple[list[str], list[Button]]:
    """Each reply's text with its buttons as "N. label" lines (numbering runs across replies)."""
    texts: list[str] = []
    shown: list[Button] = []
    for reply in replies:
        lines = [reply.text.strip()]
        choices = []
        for button in reply.all_buttons():
            shown.append(button)
            choices.append(f"{start + len(shown) - 1}. {button.label}")
        if choices:
            lines.append("\n".join(choices))
        texts.append("\n\n".join(line for line in lines if line))
    return texts, shown


def _pack(text: str, separators: tuple[str, ...], limit: int) -> list[str]:
    if units(text) <= limit:
        return [text]
    if not separators:
        return _cut(text, limit)
    separator, finer = separators[0], separators[1:]
    chunks: list[str] = []
    current = ""
    for part in text.split(separator):
        for piece in _pack(part, finer, limit):
            candidate = f"{current}{separator}{piece}" if current else piece
            if units(candidate) <= limit:
                current = candidate
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _cut(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current, size = "", 0
    for char in text:
        cost = units(char)
        if size + cost > limit:
            chunks.append(current)
            current, size = "", 0
        current += char
        size += cost
    if current:
        chunks.append(current)
    return chunks
