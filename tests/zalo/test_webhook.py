"""The Zalo webhook over real HTTP: signatures, staleness, malformed bodies, duplicates,
follow/unfollow, media and unknown events."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import func, select

from bot.models import Contact, InboxItem
from tests.zalo.harness import ZaloUnderTest, follow_event, media_event, sign, text_event

USER = "2468135790"


async def test_signed_text_is_answered(zalo: ZaloUnderTest) -> None:
    replies = await zalo.deliver(text_event(USER, "thủ tục đăng ký khai sinh"))
    assert replies, "no answer"
    assert any("khai sinh" in text.lower() for text in replies)
    assert all(len(text) <= 2000 for text in replies)


async def test_unsigned_and_wrongly_signed_events_are_refused(zalo: ZaloUnderTest) -> None:
    event = text_event(USER, "xin chào")
    body = json.dumps(event).encode()
    assert (await zalo.post(event, signature=None)).status_code == 401
    wrong = sign(body, event["timestamp"], key="not-the-oa-key")
    assert (await zalo.post(event, signature=wrong)).status_code == 401
    # signed for another body: the body was changed on the way
    other = sign(json.dumps(text_event(USER, "khác")).encode(), event["timestamp"])
    assert (await zalo.post(event, signature=other)).status_code == 401
    assert (await zalo.post(event, signature="mac=")).status_code == 401
    await zalo.idle()
    assert zalo.fake.texts_to(USER) == []
    with zalo.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InboxItem)) == 0


async def test_stale_and_future_timestamps_are_refused(zalo: ZaloUnderTest) -> None:
    event = text_event(USER, "xin chào")
    stale = dict(event, timestamp=str(int(event["timestamp"]) - 6 * 60 * 1000))
    future = dict(event, timestamp=str(int(event["timestamp"]) + 6 * 60 * 1000))
    assert (await zalo.post(stale)).status_code == 403
    assert (await zalo.post(future)).status_code == 403
    recent = dict(event, timestamp=str(int(event["timestamp"]) - 4 * 60 * 1000))
    assert (await zalo.post(recent)).status_code == 200


async def test_malformed_bodies_get_400_never_500(zalo: ZaloUnderTest) -> None:
    bodies = [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"event_name": "user_send_text"}',
        b'{"event_name": "user_send_text", "timestamp": "abc", "sender": {"id": "1"}}',
        b'{"event_name": "user_send_text", "timestamp": "1700000000000", "sender": {}}',
        b'{"event_name": "user_send_text", "timestamp": "1700000000000", "sender": "x"}',
        b'{"event_name": 5, "timestamp": "1700000000000"}',
        json.dumps(
            {"event_name": "follow", "timestamp": "1", "follower": {"id": "9" * 80}}
        ).encode(),
        b"\xff\xfe",
    ]
    async with httpx.AsyncClient() as client:
        for body in bodies:
            response = await client.post(zalo.url + "/zalo/webhook", content=body)
            assert response.status_code == 400, body


async def test_duplicate_deliveries_are_answered_once(zalo: ZaloUnderTest) -> None:
    event = text_event(USER, "lệ phí làm căn cước")
    first = await zalo.deliver(event)
    assert first
    for _ in range(3):
        assert (await zalo.post(event)).status_code == 200
    await zalo.idle()
    assert len(zalo.fake.texts_to(USER)) == len(first)
    assert zalo.gateway.progress.duplicates == 3


async def test_events_without_message_id_dedup_on_name_sender_time(zalo: ZaloUnderTest) -> None:
    event = follow_event(USER)
    for _ in range(2):
        assert (await zalo.post(event)).status_code == 200
    await zalo.idle()
    with zalo.services.sessions() as session:
        ids = session.scalars(select(InboxItem.platform_id)).all()
    assert ids == [f"follow:{USER}:{event['timestamp']}"]


async def test_unfollow_marks_the_contact_blocked_and_follow_again_unblocks(
    zalo: ZaloUnderTest,
) -> None:
    await zalo.says(USER, "xin chào")
    await zalo.deliver(follow_event(USER, follow=False))
    with zalo.services.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.external_id == USER)).one()
        assert contact.channel == "zalo"
        assert contact.blocked
    await zalo.deliver(follow_event(USER, follow=True))
    with zalo.services.sessions() as session:
        assert not session.scalars(
            select(Contact.blocked).where(Contact.external_id == USER)
        ).one()


async def test_sticker_image_location_and_unknown_events(zalo: ZaloUnderTest) -> None:
    sticker = await zalo.deliver(media_event(USER, "user_send_sticker", {"id": "s1", "url": "u"}))
    assert any("văn bản" in text or "gõ" in text.lower() for text in sticker), sticker
    image = await zalo.deliver(
        media_event(
            USER, "user_send_image", {"url": "https://img.example/a.jpg", "thumbnail": "t"}
        )
    )
    assert image
    place = await zalo.deliver(
        media_event(
            USER, "user_send_location", {"coordinates": {"latitude": "21.0", "longitude": "105.8"}}
        )
    )
    assert place
    unknown = text_event(USER, "x")
    unknown["event_name"] = "user_reacted_message"
    for _ in range(2):
        assert (await zalo.post(unknown)).status_code == 200
    oa_echo = text_event(USER, "tin của OA")
    oa_echo["event_name"] = "oa_send_text"
    assert (await zalo.post(oa_echo)).status_code == 200
    await zalo.idle()
    assert zalo.channel._unknown == {"user_reacted_message"}
    assert zalo.gateway.progress.ignored >= 3


async def test_healthz_reports_zalo(zalo: ZaloUnderTest) -> None:
    async with httpx.AsyncClient() as client:
        body = (await client.get(zalo.url + "/healthz")).json()
    state = body["channels"]["zalo"]
    assert state["state"] == "running"
    assert state["tokens"]["state"] == "ok"
    assert "Zalo" in state["announcements"]
