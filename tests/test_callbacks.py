"""Forged button payloads and unstorable characters: a polite answer, never a crash."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.callbacks import MAX_ID, fields, number, record_id, split_payload
from bot.config import Settings
from bot.feedback.models import TicketEvent
from bot.messages import Inbound
from bot.models import MessageLog
from bot.runtime import Services, build
from bot.textclean import clean, clean_inbound
from knowledge.matcher import Matcher
from tests.feedback.chat import Chat, add_staff, file_feedback, only_ticket

HUGE = "9" * 23
ENTRY = "can_cuoc"
STAFF_CHAT = -1001234567890


@pytest.fixture
def app(settings: Settings, matcher: Matcher) -> Iterator[Services]:
    """The application with a staff group configured."""
    built = build(settings.model_copy(update={"staff_chat_id": STAFF_CHAT}), matcher)
    yield built
    built.engine.dispose()


FORGED_DIGITS = ["²", "٣", "１", "-1", "+1", " 1", "1 ", "0", "", HUGE, str(MAX_ID + 1), "1e3"]


@pytest.mark.parametrize("text", FORGED_DIGITS)
def test_number_accepts_only_ascii_digits_in_range(text: str) -> None:
    assert number(text) is None
    assert record_id(text) is None


def test_number_reads_plain_digits_and_bounds() -> None:
    assert record_id("42") == 42
    assert record_id(str(MAX_ID)) == MAX_ID
    assert number("5", 1, 5) == 5
    assert number("6", 1, 5) is None
    assert number("05", 1, 5) is None  # longer than the bound can be: refused before int()


def test_fields_and_payload_shape() -> None:
    assert fields("1:2", 2) == ["1", "2"]
    assert fields("1:2:3", 2) is None
    assert split_payload("sat:12:5") == ("sat", "12:5")
    assert split_payload("menu") == ("menu", "")
    for forged in ("SAT:1:1", "sat 1", "sạt:1", "x" * 65, "", ":1", "sat:\x00", "a1:2"):
        assert split_payload(forged) is None, forged


def test_clean_removes_nul_and_lone_surrogates_only() -> None:
    assert clean("a\x00b\ud800c\udfffd") == "abcd"
    assert clean("Xin chào 👋 \t\n") == "Xin chào 👋 \t\n"
    plain = Inbound("console", "u1", "xin chào")
    assert clean_inbound(plain) is plain
    dirty = Inbound("console", "u\x001", "a\x00", display_name="\ud83d", args="\x00x")
    assert clean_inbound(dirty) == Inbound("console", "u1", "a", display_name="", args="x")


FORGED_PAYLOADS = [
    *(f"sat:{bad}:5" for bad in ("²", HUGE)),
    "sat:1:²",
    "sat:1:9",
    *(f"fwd:{bad}" for bad in ("²", HUGE)),
    *(f"none:{bad}" for bad in ("²", HUGE)),
    f"rate:{ENTRY}:{HUGE}:up",
    f"rate:{ENTRY}:²:down",
    "zzz:1",
    "SAT:1:1",
    "ent:\ud800",
    "x" * 500,
]


@pytest.mark.parametrize("payload", FORGED_PAYLOADS)
def test_forged_citizen_buttons_get_a_polite_reply(services: Services, payload: str) -> None:
    replies = services.assistant.handle(Inbound("console", "u1", payload=payload))
    assert replies
    assert all(r.text for r in replies)


def test_an_unknown_button_says_so_and_shows_the_menu(services: Services) -> None:
    [reply] = services.assistant.handle(Inbound("console", "u1", payload="zzz:1"))
    assert reply.text.startswith("Nút này không còn dùng được")
    assert reply.buttons  # the main menu to choose again from


@pytest.mark.parametrize(
    "payload", [f"pst:view:{HUGE}:1", "pst:claim:1:" + HUGE, "pst:claim:-1:1", "pst:view:1:0"]
)
def test_forged_staff_buttons_get_a_polite_reply(app: Services, payload: str) -> None:
    add_staff(app, "lan", "Chị Lan")
    file_feedback(Chat(app, "citizen"))
    replies = app.assistant.handle(Inbound("console", "lan", payload=payload))
    assert [r.text for r in replies] in (["Không có phản ánh mã ?."], ["Không có phản ánh mã 1."])
    assert only_ticket(app).status == "new"


def test_nul_and_surrogates_never_reach_the_database(services: Services) -> None:
    text = "làm căn\x00 cước\ud800 ở đâu"
    replies = services.assistant.handle(
        Inbound("console", "u\x00\udc00", text, display_name="An\x00")
    )
    assert replies
    with services.sessions() as session:
        [logged] = session.scalars(select(MessageLog)).all()
    assert logged.text == "làm căn cước ở đâu"


def test_staff_answer_with_nul_is_stored_clean(app: Services) -> None:
    add_staff(app, "lan", "Chị Lan")
    code = file_feedback(Chat(app, "citizen"))
    staff = Chat(app, "lan")
    staff.type(f"/traloi {code} Đã\x00 xử lý\ud800 xong.")
    assert only_ticket(app).status == "answered"
    with app.sessions() as session:
        notes = [e.note for e in session.scalars(select(TicketEvent)) if e.note]
    assert any("Đã xử lý xong." in note for note in notes)
