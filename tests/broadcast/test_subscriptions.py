"""Subscribing: commands, words, topic and area buttons, unsubscribing, who counts."""

from __future__ import annotations

from sqlalchemy import select

from bot.broadcast import subscribers
from bot.broadcast.chat import words_intent
from bot.broadcast.models import Subscription, SubscriptionEvent, SubscriptionTopic
from bot.models import Contact
from bot.runtime import Services
from tests.broadcast.helpers import add_subscribers, press, say


def _contact(services: Services, user: str = "u1") -> Contact:
    with services.sessions() as session:
        return session.scalars(select(Contact).where(Contact.external_id == user)).one()


def test_dangky_subscribes_and_shows_topics_area_and_a_stop_button(services: Services) -> None:
    [reply] = say(services, "u1", command="dangky")
    assert "Ông/Bà đã đăng ký nhận tin" in reply.text
    assert "mọi chủ đề" in reply.text
    payloads = [b.payload for b in reply.all_buttons()]
    assert "bsub:t:ho_tich" in payloads
    assert "bsub:area" in payloads
    assert "bcu:0" in payloads
    assert "bsub:t:phan_anh" not in payloads  # a service, not a news topic
    assert _contact(services).subscribed


def test_on_zalo_dangky_says_announcements_do_not_reach_zalo(services: Services) -> None:
    [reply] = say(services, "z1", command="dangky", channel="zalo")
    assert "Ông/Bà đã đăng ký nhận tin" in reply.text
    assert "không gửi tới Ông/Bà trên Zalo" in reply.text
    [other] = say(services, "t1", command="dangky")  # other channels promise nothing else
    assert "Zalo" not in other.text


def test_topics_and_area_are_chosen_with_buttons_and_shown(services: Services) -> None:
    say(services, "u1", command="dangky")
    [reply] = press(services, "u1", "bsub:t:cu_tru")
    assert "Chủ đề: Cư trú" in reply.text
    assert any(b.label.startswith("✅ Cư trú") for b in reply.all_buttons())
    [areas] = press(services, "u1", "bsub:area")
    assert "Thôn Đông (ví dụ)" in [b.label for b in areas.all_buttons()]
    [after] = press(services, "u1", "bsub:a:thon_dong")
    assert "Khu vực: Thôn Đông (ví dụ)" in after.text
    [again] = say(services, "u1", command="dangky")  # see them at any time
    assert "Cư trú" in again.text
    assert "Thôn Đông" in again.text
    press(services, "u1", "bsub:t:cu_tru")  # pressed again: dropped
    press(services, "u1", "bsub:noarea")
    with services.sessions() as session:
        assert session.scalars(select(SubscriptionTopic)).all() == []
        assert session.scalars(select(Subscription.area)).one() is None


def test_unknown_topic_or_area_changes_nothing(services: Services) -> None:
    say(services, "u1", command="dangky")
    press(services, "u1", "bsub:t:nope")
    press(services, "u1", "bsub:a:nowhere")
    with services.sessions() as session:
        assert session.scalars(select(SubscriptionTopic)).all() == []
        assert session.scalar(select(Subscription.area)) is None


def test_huydangky_and_the_stop_button_unsubscribe_and_are_recorded(services: Services) -> None:
    say(services, "u1", command="dangky")
    [reply] = say(services, "u1", command="huydangky")
    assert "đã ngừng nhận tin" in reply.text
    [again] = say(services, "u1", command="huydangky")
    assert "không đăng ký" in again.text
    say(services, "u1", command="dangky")
    [stopped] = press(services, "u1", "bcu:7")  # the button under announcement 7
    assert "đã ngừng nhận tin" in stopped.text
    with services.sessions() as session:
        events = session.scalars(select(SubscriptionEvent).order_by(SubscriptionEvent.id)).all()
        assert [(e.action, e.source, e.announcement_id) for e in events] == [
            ("subscribe", "command", None),
            ("unsubscribe", "command", None),
            ("subscribe", "command", None),
            ("unsubscribe", "button", 7),
        ]
    assert not _contact(services).subscribed


def test_words_subscribe_and_unsubscribe_but_questions_about_it_are_answered(
    services: Services,
) -> None:
    [reply] = say(services, "u1", "Tôi muốn đăng ký nhận tin")
    assert "đã đăng ký nhận tin" in reply.text
    [reply] = say(services, "u1", "ngừng nhận tin giúp tôi")
    assert "đã ngừng nhận tin" in reply.text
    assert words_intent("làm sao để đăng ký nhận tin?") is None
    assert words_intent("đăng ký khai sinh cho con") is None
    assert words_intent("unsubscribe") == "unsubscribe"
    assert words_intent("subscribe me to announcements") == "subscribe"


def test_choice_buttons_need_a_subscription(services: Services) -> None:
    [reply] = press(services, "u1", "bsub:t:cu_tru")
    assert "chưa đăng ký" in reply.text


def test_audience_filters_by_topic_and_area_and_skips_blocked_and_zalo(
    services: Services,
) -> None:
    add_subscribers(services, 3, area="thon_dong", start=0)
    add_subscribers(services, 2, area="thon_tay", topics=("cu_tru",), start=10)
    add_subscribers(services, 1, topics=("ho_tich",), start=20)
    add_subscribers(services, 1, channel="zalo", start=30)  # Zalo: no free broadcast
    with services.sessions.begin() as session:
        blocked = session.scalars(select(Contact).where(Contact.external_id == "0")).one()
        blocked.blocked = True  # the outbox saw a 403
        session.add(Contact(channel="console", external_id="99", subscribed=False))
    with services.sessions() as session:
        assert subscribers.subscribers_count(session) == 5
        assert subscribers.audience_size(session, (), ["thon_dong"]) == 2
        assert subscribers.audience_size(session, (), ["thon_dong", "thon_tay"]) == 4
        # No topic chosen means every topic: the Thôn Đông people get Cư trú news too.
        assert subscribers.audience_size(session, ["cu_tru"], ()) == 4
        assert subscribers.audience_size(session, ["ho_tich"], ()) == 3
        assert subscribers.audience_size(session, ["ho_tich"], ["thon_tay"]) == 0


def test_in_a_group_subscribing_is_asked_for_in_a_private_chat(services: Services) -> None:
    [reply] = say(services, "u1", command="dangky", group="-100123")
    assert "tin nhắn riêng" in reply.text
    assert not _contact(services).subscribed
    assert all(
        not r.text.startswith("Ông/Bà đã")
        for r in say(services, "u1", "đăng ký nhận tin", group="-100123")
    )
