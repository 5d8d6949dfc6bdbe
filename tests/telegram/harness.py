"""The bot under test, served over real HTTP, and citizens who talk to it through the fake.

Conversations are recorded as a transcript ("user: …" / "bot: …" lines) that tests compare
with readable expectations; the transcript is printed, so a failing test shows the chat.
"""

from __future__ import annotations

import asyncio
import html
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.gateway.front import Gateway
from bot.runtime import Services
from handlers.telegram.bot_app import TelegramChannel
from tests.telegram import updates
from tests.telegram.fake_bot_api import Call, FakeBotApi

SHOWN = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery"}


def buttons_of(markup: dict[str, Any] | None) -> str:
    if not markup:
        return ""
    if markup.get("force_reply"):
        return "  (reply requested)"
    rows = [" ".join(f"[{b['text']}]" for b in row) for row in markup["inline_keyboard"]]
    return "  " + " / ".join(rows)


def matches(pattern: str, line: str) -> bool:
    """Whole-line match where `*` stands for any text (and nothing else is special)."""
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, line, re.DOTALL) is not None


def one_line(text: str) -> str:
    return " ⏎ ".join(line for line in text.splitlines() if line.strip())


@dataclass
class Transcript:
    """What was said, in order; `expect` compares it with `*`-wildcard lines."""

    lines: list[str] = field(default_factory=list)

    def user(self, text: str) -> None:
        self.lines.append(f"user: {text}")
        print(self.lines[-1])

    def bot(self, calls: list[Call]) -> None:
        for call in calls:
            line = self._line(call)
            if line:
                self.lines.append(line)
                print(line)

    def _line(self, call: Call) -> str | None:
        if call.method not in SHOWN:
            return None
        if not call.ok:
            return f"telegram: {call.status} on {call.method}"
        params = call.params
        if call.method == "answerCallbackQuery":
            return f"bot (toast): {params['text']}" if params.get("text") else None
        if call.method == "editMessageReplyMarkup":
            return f"bot ✎ buttons:{buttons_of(params.get('reply_markup'))}"
        who = "bot ✎" if call.method == "editMessageText" else "bot"
        text = html.unescape(str(params["text"]))
        return f"{who}: {one_line(text)}{buttons_of(params.get('reply_markup'))}"

    def expect(self, expected: str) -> None:
        """Each line matches its pattern in order: `*` is any text, a line `...` any lines."""
        patterns = [p.strip() for p in textwrap.dedent(expected).strip().splitlines() if p.strip()]
        shown = "\n".join(self.lines)
        assert _match_lines(patterns, self.lines), (
            "the conversation differs\n--- expected\n"
            + "\n".join(patterns)
            + f"\n--- actual\n{shown}"
        )


def _match_lines(patterns: list[str], lines: list[str]) -> bool:
    if not patterns:
        return not lines
    if patterns[0] == "...":
        return any(_match_lines(patterns[1:], lines[n:]) for n in range(len(lines) + 1))
    return bool(lines) and matches(patterns[0], lines[0]) and _match_lines(patterns[1:], lines[1:])


@dataclass
class BotUnderTest:
    """The running bot (uvicorn on loopback) and the fake Telegram it talks to."""

    fake: FakeBotApi
    token: str
    channel: TelegramChannel
    gateway: Gateway
    services: Services
    url: str
    transcript: Transcript = field(default_factory=Transcript)
    pushed: int = 0

    def calls(self, *methods: str) -> list[Call]:
        return self.fake.calls(self.token, *methods)

    async def eventually(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait for something that happens after the update is done (e.g. a staff report)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
            await asyncio.sleep(0.01)

    async def push(self, *items: dict[str, Any], timeout: float = 15.0) -> list[Call]:
        """Deliver updates through the fake, wait until the bot is done with them."""
        seen = len(self.calls())
        for item in items:
            self.fake.push_update(self.token, item)
        self.pushed += len(items)
        await self.gateway.progress.wait_finished(self.pushed, timeout)
        new = self.calls()[seen:]
        self.transcript.bot(new)
        return new

    def citizen(
        self, name: str = "An", user_id: int = 7_001, language: str | None = "vi"
    ) -> Citizen:
        return Citizen(self, updates.user(user_id, name, language))

    def last_message_with(self, chat_id: int, label: str) -> tuple[dict[str, Any], str]:
        """The newest bot message in `chat_id` showing a button `label`, and its payload."""
        latest: dict[int, dict[str, Any]] = {}
        for call in self.calls("sendMessage", "editMessageText"):
            if call.ok and int(call.params["chat_id"]) == chat_id:
                latest.pop(call.result["message_id"], None)
                latest[call.result["message_id"]] = call.result
        for message in reversed(latest.values()):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return message, button["callback_data"]
        raise AssertionError(
            f"no button {label!r} in chat {chat_id}\n" + "\n".join(self.transcript.lines)
        )


@dataclass
class Citizen:
    """A Telegram user in a private chat with the bot (or in a group, with `chat`)."""

    bot: BotUnderTest
    person: dict[str, Any]
    chat: dict[str, Any] | None = None

    @property
    def chat_id(self) -> int:
        return int((self.chat or self.person)["id"])

    async def says(self, text: str) -> list[Call]:
        self.bot.transcript.user(text)
        return await self.bot.push(updates.message(self.person, self.chat, text))

    async def says_quickly(self, *texts: str) -> list[Call]:
        """Several messages sent before the bot answers any of them."""
        for text in texts:
            self.bot.transcript.user(text)
        return await self.bot.push(*(updates.message(self.person, self.chat, t) for t in texts))

    async def sends(self, what: str, update: dict[str, Any]) -> list[Call]:
        """Something other than text: `what` is how the transcript shows it."""
        self.bot.transcript.user(f"<{what}>")
        return await self.bot.push(update)

    async def presses(self, label: str) -> list[Call]:
        message, data = self.bot.last_message_with(self.chat_id, label)
        self.bot.transcript.user(f"[{label}]")
        return await self.bot.push(updates.callback(self.person, message, data, self.chat))
