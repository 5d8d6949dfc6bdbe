"""The live status card of an announcement sent with /thongbao, edited in place as it goes.

`open_card` queues the card (sent / failed / blocked / pending, rate, ETA and the 🔄 / ⛔
buttons) to the staff member's chat through the outbox, so the sender that delivers it reports
the platform's message id (`OutboxMessage.platform_message_id`; Telegram's `message_id`).
`StatusCards`, a dispatcher job, then queues an edit of that message (a reply whose meta has
`edit_message_id`) at most every `every` seconds while the figures change, and one final edit
with the last figures when the announcement is done or cancelled. The edits go in the CARD
lane (after ticket notices, before the announcement's own rows), book the platform's shared
send rate like every message, and a new edit waits until the previous one has gone, so a
slow platform never piles them up. Channels whose sender reports no id get the card once.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.broadcast.models import CANCELLED, DONE, Announcement, StatusCard
from bot.broadcast.progress import progress, summary_vi
from bot.delivery import EDIT_MESSAGE_ID
from bot.messages import Button, Reply
from bot.outbox import BLOCKED, CARD, FAILED, PENDING, SENT, OutboxMessage, enqueue

log = logging.getLogger(__name__)

EVERY = dt.timedelta(seconds=10)  # between two edits of one card
ACTION = "bcm"  # the /thongbao buttons (bot.broadcast.compose)
OVER = (DONE, CANCELLED)


def buttons(announcement_id: int) -> tuple[tuple[Button, ...], ...]:
    """🔄 (redraw now) and ⛔ (stop sending), while the announcement is live."""
    return (
        (
            Button("🔄 Cập nhật", f"{ACTION}:p:{announcement_id}"),
            Button("⛔ Dừng gửi", f"{ACTION}:x:{announcement_id}"),
        ),
    )


def card_reply(item: Announcement, text: str) -> Reply:
    """The card: the figures, and the buttons while there is something to follow or stop."""
    return Reply(text, () if item.status in OVER else buttons(item.id))


def open_card(
    session: Session, item: Announcement, channel: str, chat: str, now: dt.datetime
) -> None:
    """Queue the status card to `chat` (priority lane) and remember it for the refresh."""
    session.flush()
    text = summary_vi(item, progress(session, item, now))
    key = f"ann-card:{item.id}"
    if not enqueue(session, channel, chat, [card_reply(item, text)], key=key):
        return  # already opened
    row_id = session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)
    ).one()
    session.add(
        StatusCard(announcement_id=item.id, outbox_id=row_id, text=text, edits=0, edited_at=now)
    )
    session.flush()


class StatusCards:
    """The job: queue the due edits of every card still open (cheap when none is)."""

    def __init__(self, every: dt.timedelta = EVERY) -> None:
        self.every = every

    def __call__(self, session: Session, now: dt.datetime) -> int:
        """One pass; returns how many edits it queued."""
        queued = 0
        open_cards = (
            select(StatusCard)
            .where(StatusCard.final.is_(False))
            .order_by(StatusCard.announcement_id)
            .with_for_update(skip_locked=True)  # one worker refreshes a card at a time
        )
        for card in session.scalars(open_cards).all():
            queued += self._refresh(session, card, now)
        return queued

    def _refresh(self, session: Session, card: StatusCard, now: dt.datetime) -> int:
        row = session.get(OutboxMessage, card.outbox_id)
        item = session.get(Announcement, card.announcement_id)
        if row is None or item is None or row.status in (FAILED, BLOCKED):
            card.final = True  # the card never arrived: nothing to edit
            return 0
        if row.status != SENT:
            return 0  # not delivered yet
        if row.platform_message_id is None:
            card.final = True  # a channel that cannot edit: the 🔄 button still redraws
            return 0
        over = item.status in OVER
        too_soon = now - card.edited_at < self.every or self._edit_waiting(session, card)
        if not over and too_soon:
            return 0
        text = summary_vi(item, progress(session, item, now))
        card.edited_at = now
        if text == card.text and not over:
            return 0  # nothing new to show (Telegram refuses an edit that changes nothing)
        card.edits += 1
        meta = {EDIT_MESSAGE_ID: row.platform_message_id}
        reply = card_reply(item, text)
        enqueue(
            session,
            row.channel,
            row.recipient,
            [Reply(reply.text, reply.buttons, meta)],
            key=f"ann-card:{item.id}:{card.edits}",
            priority=CARD,
        )
        card.last_edit_id = session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.idempotency_key == f"ann-card:{item.id}:{card.edits}"
            )
        ).one()
        card.text, card.final = text, over
        return 1

    def _edit_waiting(self, session: Session, card: StatusCard) -> bool:
        """Whether the previous edit is still in the outbox (then this one would pile up)."""
        if card.last_edit_id is None:
            return False
        status = session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.id == card.last_edit_id)
        )
        return status == PENDING
