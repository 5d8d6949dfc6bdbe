"""Remove what no database can store from text that came from outside.

PostgreSQL refuses a NUL character in any text value and both databases (and every UTF-8
encoder) refuse a lone surrogate, which a JSON body can carry as "\\ud800". One forged
message must not turn into a "system error" for its sender or a failed transaction, so
inbound text is cleaned once, at the core's entry, before anything is written.
"""

from __future__ import annotations

import dataclasses
import re

from bot.messages import Attachment, Inbound

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` without NUL characters and lone surrogates."""
    return _UNSTORABLE.sub("", text)


def clean_optional(text: str | None) -> str | None:
    """`clean` for optional fields."""
    return None if text is None else clean(text)


def clean_inbound(inbound: Inbound) -> Inbound:
    """The same message with every text field cleaned (the same object when nothing changed)."""
    fields = (
        inbound.channel,
        inbound.user_id,
        inbound.text,
        inbound.payload,
        inbound.command,
        inbound.args,
        inbound.display_name,
        inbound.language_hint,
        inbound.unsupported,
        inbound.group,
    )
    if not inbound.attachments and not any(_UNSTORABLE.search(f) for f in fields if f):
        return inbound  # the usual message: a few scans, no copy
    return dataclasses.replace(
        inbound,
        channel=clean(inbound.channel),
        user_id=clean(inbound.user_id),
        text=clean(inbound.text),
        payload=clean_optional(inbound.payload),
        command=clean_optional(inbound.command),
        args=clean(inbound.args),
        display_name=clean_optional(inbound.display_name),
        language_hint=clean_optional(inbound.language_hint),
        attachments=tuple(
            Attachment(clean(a.kind), clean(a.ref), clean_optional(a.name))
            for a in inbound.attachments
        ),
        unsupported=clean_optional(inbound.unsupported),
        group=clean_optional(inbound.group),
    )
