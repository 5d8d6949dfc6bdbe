"""Console channel: chat with the core in a terminal; numbers pick buttons."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.assistant import Assistant
from bot.callbacks import number
from bot.menu import CHOICE, MAX_CHOICES, payload
from bot.messages import Button, Inbound, Reply

CHANNEL = "console"
QUIT = {"/quit", "/exit", "quit", "exit", "thoat", "thoát"}


def parse(line: str, user: str, buttons: list[Button]) -> Inbound:
    """Turn a typed line into an Inbound: a number picks a button, /x is a command.

    A short number that is not one of the buttons shown ("7" under three, "0") becomes a
    `num:` payload, so the core asks for 1–N instead of taking it for a question; a longer
    one (a phone number, a year) stays text.
    """
    text = line.strip()
    choice = number(text, 0, MAX_CHOICES) if buttons else None
    if choice is not None and 1 <= choice <= len(buttons):
        return Inbound(CHANNEL, user, payload=buttons[choice - 1].payload)
    if choice is not None:
        return Inbound(CHANNEL, user, payload=payload(CHOICE, choice, len(buttons)))
    if text.startswith("/") and len(text) > 1:
        name, _, args = text[1:].partition(" ")
        return Inbound(CHANNEL, user, command=name.split("@")[0], args=args.strip())
    return Inbound(CHANNEL, user, text=text)


def render(replies: list[Reply]) -> tuple[str, list[Button]]:
    """Replies as text, with every button numbered (a console has no buttons)."""
    lines: list[str] = []
    buttons: list[Button] = []
    for reply in replies:
        lines.append(reply.text)
        for button in reply.all_buttons():
            buttons.append(button)
            lines.append(f"  [{len(buttons)}] {button.label}")
        lines.append("")
    return "\n".join(lines), buttons


def run_console(
    assistant: Assistant,
    user: str = "console",
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    after_turn: Callable[[], None] | None = None,
) -> int:
    """Read questions until end of input or /quit; `after_turn` runs after each reply
    (the CLI uses it to deliver pending outbox messages, e.g. a staff answer)."""
    interactive = stdin.isatty()
    text, buttons = render(assistant.handle(Inbound(CHANNEL, user, command="start")))
    out.write(text + "\n")
    out.write("(Gõ câu hỏi, số để chọn nút, /quit để thoát.)\n")
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in QUIT:
            break
        if not line.strip():
            continue
        inbound = parse(line, user, buttons)
        text, shown = render(assistant.handle(inbound))
        slip = (inbound.payload or "").startswith(f"{CHOICE}:")
        buttons = buttons if slip else shown  # after a slip the same numbers still work
        out.write(text + "\n")
        out.flush()
        if after_turn is not None:
            after_turn()
    out.write("Tạm biệt Ông/Bà!\n")
    return 0
