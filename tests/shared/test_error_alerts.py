"""Staff alerts about errors: two workers sharing one limit send at most that many in total,
and the next alert says how many were held back."""

from __future__ import annotations

import asyncio

from bot.gateway.alerts import StaffAlerts
from bot.shared.backends import SharedState
from tests.feedback.chat import RecordingSender

STAFF_CHAT = "-100777"
T0 = 1_800_000_000.0


def test_two_workers_send_at_most_the_shared_number_of_alerts(
    pair: tuple[SharedState, SharedState],
) -> None:
    now = [T0]
    senders = [RecordingSender("telegram") for _ in pair]
    workers = [
        StaffAlerts(sender, STAFF_CHAT, 60.0, lambda: now[0], state.alerts, per_interval=2)
        for sender, state in zip(senders, pair, strict=True)
    ]

    async def errors(count: int) -> list[bool]:
        return list(
            await asyncio.gather(
                *(workers[n % 2].error("OperationalError", str(n), "7101") for n in range(count))
            )
        )

    assert sum(asyncio.run(errors(20))) == 2  # not 20, and not 2 per worker
    now[0] += 60.0
    assert asyncio.run(errors(1)) == [True]
    alerts = [r.text for sender in senders for r in sender.to(STAFF_CHAT)]
    assert len(alerts) == 3
    assert any(text.endswith("(+18 lỗi khác từ lần báo trước)") for text in alerts)
    assert all("7101" not in text for text in alerts)  # the chat id is shortened
