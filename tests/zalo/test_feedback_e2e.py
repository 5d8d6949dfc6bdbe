"""Feedback end to end on Zalo over real HTTP: file with numbered choices, staff answer through
the existing staff commands, citizen notified through the outbox, rating, tracking; a notice
outside Zalo's window is held, shown to staff and in the tracking reply, and sent once the
citizen writes again — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from bot.feedback import make_dispatcher
from bot.feedback.models import Ticket
from bot.models import Contact, utcnow
from bot.outbox import HELD, SENT, OutboxMessage
from tests.feedback.chat import Chat, add_staff
from tests.zalo.harness import ZaloUnderTest

CITIZEN = "5550001112"
STAFF = "staff-lan"


async def file_on_zalo(zalo: ZaloUnderTest, user: str) -> str:
    assert "1. " in await zalo.says(user, "/phananh")
    await zalo.picks(user, "Hồ sơ trễ hẹn")
    await zalo.says(
        user, "Tôi nộp hồ sơ khai sinh ngày 3/11, hẹn trả 10/11 nhưng chưa có kết quả."
    )
    await zalo.says(user, "Bộ phận Một cửa xã")
    await zalo.picks(user, "Đồng ý")
    await zalo.says(user, "Nguyễn Văn An, 0912 345 678")
    done = await zalo.picks(user, "Gửi phản ánh")
    assert "Mã phản ánh: PA-" in done
    return done.split("Mã phản ánh: ")[1].split()[0]


async def test_file_answer_notify_rate_track_and_hold_outside_the_window(
    zalo: ZaloUnderTest,
) -> None:
    services = zalo.services
    add_staff(services, STAFF, "Chị Lan")
    staff = Chat(services, STAFF)
    outbox = make_dispatcher(services.sessions, services.settings, {"zalo": zalo.channel.sender()})
    code = await file_on_zalo(zalo, CITIZEN)

    answer = "Hồ sơ của Ông/Bà đã có kết quả, mời Ông/Bà nhận tại Bộ phận Một cửa."
    staff.type(f"/traloi {code} {answer}")
    assert await outbox.run_once() >= 1
    told = "\n".join(zalo.fake.texts_to(CITIZEN))
    assert answer in told
    await zalo.picks(CITIZEN, "5 ⭐")
    with services.sessions() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.code == code)).one()
        assert (ticket.status, ticket.rating) == ("answered", 5)
    assert answer in await zalo.says(CITIZEN, f"/tracuu {code}")

    # Eight days later the office closes the ticket: Zalo's window has passed.
    with services.sessions.begin() as session:
        session.execute(
            update(Contact)
            .where(Contact.external_id == CITIZEN)
            .values(last_seen_at=utcnow() - dt.timedelta(days=8))
        )
    before = len(zalo.fake.texts_to(CITIZEN))
    staff.type(f"/dong {code}")
    await outbox.run_once()
    assert len(zalo.fake.texts_to(CITIZEN)) == before  # nothing sent, nothing dropped
    with services.sessions() as session:
        row = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == "zalo")
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert row is not None
        assert row.status == HELD
        assert "window" in (row.last_error or "")
    view = staff.type(f"/xem {code}")
    assert "Không gửi được qua Zalo" in view

    # The citizen writes again: the tracking reply says so, and the notice goes out.
    tracked = await zalo.says(CITIZEN, f"/tracuu {code}")
    assert "chưa gửi được qua Zalo" in tracked
    assert zalo.channel.revive_once() == 1
    assert await outbox.run_once() == 1
    assert len(zalo.fake.texts_to(CITIZEN)) > before
    with services.sessions() as session:
        assert session.get(OutboxMessage, row.id).status == SENT  # type: ignore[union-attr]
    assert "Không gửi được qua Zalo" not in staff.type(f"/xem {code}")
