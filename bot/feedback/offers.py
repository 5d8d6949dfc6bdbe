"""Where the knowledge base's menu and answers offer to file feedback or track it.

Imported by `bot.menu`, so it depends only on message types and texts.
"""

from __future__ import annotations

from bot.feedback.texts import say
from bot.messages import Button
from knowledge.schema import KnowledgeBase

INTAKE = "pa"  # button kind of the intake flow: pa:start, pa:cat:<key>, pa:confirm …
TRACK = "tr"  # button kind of tracking: tr:list, tr:<code>
START = f"{INTAKE}:start"
GROUP = "phan_anh"  # the knowledge base's "Phản ánh – kiến nghị" menu group
ENTRIES = frozenset({"phan_anh_kien_nghi", "khieu_nai_to_cao"})


def start_button(kb: KnowledgeBase, lang: str) -> Button:
    """ "Gửi phản ánh ngay"."""
    return Button(say(kb, "btn.start", lang), START)


def track_button(kb: KnowledgeBase, lang: str) -> Button:
    """ "Tra cứu phản ánh": the citizen's own tickets."""
    return Button(say(kb, "btn.track", lang), f"{TRACK}:list")


def feedback_row(kb: KnowledgeBase, lang: str) -> tuple[Button, ...]:
    """The row added under the feedback group's menu and the feedback answers."""
    return (start_button(kb, lang), track_button(kb, lang))
