"""Tracking by code: only the contact who filed a ticket can see it."""

from __future__ import annotations

import pytest

from bot.assistant import Assistant
from bot.feedback.tracking import track_in_text
from bot.messages import Inbound
from bot.models import Contact
from bot.runtime import Services
from bot.turn import Turn
from tests.feedback.chat import Chat, file_feedback


def test_a_stranger_gets_the_same_not_found_as_for_a_code_that_does_not_exist(
    app: Services,
) -> None:
    code = file_feedback(Chat(app, "an"))
    stranger = Chat(app, "mallory")
    stranger.type(f"/tracuu {code}")
    theirs = stranger.last
    stranger.type("/tracuu PA-2026-999999")
    assert theirs.replace(code, "CODE") == stranger.last.replace("PA-2026-999999", "CODE")
    assert "Không tìm thấy" in theirs
    assert "Nguyễn" not in theirs
    assert "khai sinh" not in theirs
    # The same person on another channel is another account.
    other_channel = Chat(app, "an", channel="telegram")
    other_channel.type(f"/tracuu {code}")
    assert "Không tìm thấy" in other_channel.last


def test_codes_are_understood_as_people_type_them(app: Services) -> None:
    citizen = Chat(app, "an")
    code = file_feedback(citizen)
    year, number = code.split("-")[1], int(code.split("-")[2])
    for typed in (code.lower(), f"PA {year} {number}", f"pa{year}{number:06d}"):
        citizen.type(f"/tracuu {typed}")
        assert f"Phản ánh {code}" in citizen.last, typed


def test_tracking_without_a_code_lists_my_feedback(app: Services) -> None:
    citizen = Chat(app, "an")
    citizen.type("/tracuu")
    assert "chưa gửi phản ánh nào" in citizen.last
    code = file_feedback(citizen)
    citizen.play(f"> /tracuu\n< Các phản ánh Ông/Bà đã gửi\n> [{code}]\n< Trạng thái: mới")


def test_a_message_containing_a_code_finds_it(app: Services) -> None:
    code = file_feedback(Chat(app, "an"))
    with app.sessions() as session:
        contact = session.query(Contact).filter_by(external_id="an").one()
        inbound = Inbound("console", "an", text=f"cho tôi hỏi phản ánh {code} đến đâu rồi")
        turn = Turn(session, contact, inbound, app.matcher.kb, "vi")
        [reply] = track_in_text(turn) or []
        assert f"Phản ánh {code}" in reply.text
        turn = Turn(session, contact, Inbound("console", "an", text="làm căn cước"), turn.kb, "vi")
        assert track_in_text(turn) is None


@pytest.mark.skipif(
    not hasattr(Assistant, "text_hook"), reason="needs the core's Assistant.text_hook"
)
def test_a_typed_code_is_routed_to_tracking(app: Services) -> None:
    citizen = Chat(app, "an")
    code = file_feedback(citizen)
    citizen.play(f"> phản ánh {code} của tôi sao rồi?\n< Trạng thái: mới")
