"""People talking to the bot on the console channel, written down as readable transcripts.

A script is a list of lines: `> text` is typed, `> [label]` presses the button whose label
contains `label`, and `< fragment` expects the bot's last answer to contain `fragment`.
On failure the whole conversation so far is shown.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from bot.delivery import DeliveryError
from bot.feedback.models import Staff, Ticket
from bot.messages import Button, Reply
from bot.runtime import Services
from handlers.console import CHANNEL, parse, render


@dataclass
class Chat:
    """One person on the console channel; remembers the buttons last shown to them."""

    services: Services
    user: str
    channel: str = CHANNEL
    buttons: list[Button] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)
    last: str = ""

    def type(self, line: str) -> str:
        """Type a line (a number picks a shown button, /x is a command)."""
        inbound = replace(parse(line, self.user, self.buttons), channel=self.channel)
        return self._show(f"{self.user}> {line}", self.services.assistant.handle(inbound))

    def press(self, label: str) -> str:
        """Press the shown button whose label contains `label`."""
        for number, button in enumerate(self.buttons, 1):
            if label in button.label:
                return self.type(str(number))
        raise AssertionError(f"no button {label!r} in:\n{self.conversation()}")

    def receive(self, replies: list[Reply]) -> None:
        """A message delivered by the outbox arrives (its buttons can now be pressed)."""
        self._show(f"(delivered to {self.user})", replies)

    def _show(self, said: str, replies: list[Reply]) -> str:
        self.last, self.buttons = render(replies)
        self.transcript += [said, textwrap.indent(self.last.rstrip(), "    ")]
        return self.last

    def conversation(self) -> str:
        return "\n".join(self.transcript)

    def play(self, script: str) -> None:
        """Run a `> …` / `< …` script (see the module docstring)."""
        for raw in textwrap.dedent(script).strip().splitlines():
            line = raw.strip()
            if line.startswith("> [") and line.endswith("]"):
                self.press(line[3:-1])
            elif line.startswith(">"):
                self.type(line[1:].strip())
            elif line.startswith("<"):
                expected = line[1:].strip()
                assert expected in self.last, (
                    f"expected {expected!r} in the last answer:\n{self.conversation()}"
                )


class RecordingSender:
    """A real `Sender` that keeps what it was asked to send; can be told to fail."""

    def __init__(self, channel: str, rate_per_second: float = 1000.0) -> None:
        self.channel = channel
        self.rate_per_second = rate_per_second
        self.sent: list[tuple[str, list[Reply]]] = []
        self.failures: list[DeliveryError | Exception] = []

    async def send(self, recipient: str, replies: list[Reply]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((recipient, replies))

    def to(self, recipient: str) -> list[Reply]:
        """Everything delivered to `recipient`, in order."""
        return [r for who, replies in self.sent if who == recipient for r in replies]


def add_staff(
    services: Services, user: str, name: str, role: str = "staff", channel: str = CHANNEL
) -> None:
    """Register a staff member (what `cchc-bot staff add` does)."""
    with services.sessions.begin() as session:
        session.add(Staff(channel=channel, external_id=user, name=name, role=role))


def only_ticket(services: Services) -> Ticket:
    with services.sessions() as session:
        return session.scalars(select(Ticket)).one()


FILE_SCRIPT = """
    > /phananh
    < Bước 1/4
    > [Hồ sơ trễ hẹn]
    < Bước 2/4
    > Tôi nộp hồ sơ đăng ký khai sinh ngày 3/11, hẹn trả ngày 10/11 nhưng đến nay chưa có kết quả.
    < Bước 3/4
    > Bộ phận Một cửa xã
    < Bước 4/4
    > [Đồng ý]
    < họ và tên
    > Nguyễn Văn An, 0912 345 678
    < kiểm tra lại
    < Nguyễn Văn An, 0912 345 678
    > [Gửi phản ánh]
    < Mã phản ánh: PA-
"""


def file_feedback(chat: Chat) -> str:
    """Go through the whole intake; returns the tracking code given."""
    chat.play(FILE_SCRIPT)
    return chat.last.split("Mã phản ánh: ")[1].split()[0]


def today_local() -> dt.date:
    from bot.feedback.workdays import local_date
    from bot.models import utcnow

    return local_date(utcnow())
