"""Channel-independent message types: what arrives and what the core answers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    """A choice offered under a reply; `payload` comes back as `Inbound.payload` when pressed."""

    label: str
    payload: str


@dataclass(frozen=True)
class Attachment:
    """A file the citizen sent (photo, document) as a channel reference, never the bytes."""

    kind: str
    ref: str
    name: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One message from a person on some channel.

    `text` is what was typed, `payload` a pressed button's payload, `command` a slash command
    without the slash (with `args` after it). `language_hint` is what the platform says about
    the user's language, if anything.
    """

    channel: str
    user_id: str
    text: str = ""
    payload: str | None = None
    command: str | None = None
    args: str = ""
    display_name: str | None = None
    language_hint: str | None = None
    attachments: tuple[Attachment, ...] = ()
    unsupported: str | None = None  # e.g. "sticker", "voice": something we cannot read
    group: str | None = None  # the group chat's id when others can read it; None: private


@dataclass(frozen=True)
class Reply:
    """One message back: text (plain, the channel escapes it) and optional buttons.

    `buttons` are rows of buttons; a channel without buttons shows them as a numbered list.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    meta: dict[str, str] = field(default_factory=dict)

    def all_buttons(self) -> list[Button]:
        """Buttons in reading order."""
        return [button for row in self.buttons for button in row]
