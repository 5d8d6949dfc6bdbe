"""Reply → Telegram messages: escaping, splitting, keyboards, redraw decisions."""

from __future__ import annotations

from bot.messages import Button, Reply
from handlers.telegram.render import (
    MAX_TEXT,
    escape,
    keyboard,
    length,
    redraws_in_place,
    render,
    split,
)


def test_html_is_escaped_but_quotes_are_left_alone() -> None:
    assert escape('a < b & c > d "q"') == 'a &lt; b &amp; c &gt; d "q"'


def test_length_counts_utf16_units_like_telegram() -> None:
    assert length("Hộ tịch") == 7
    assert length("📌") == 2


def test_short_text_is_one_piece() -> None:
    assert split("Xin chào") == ["Xin chào"]


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    paragraphs = "\n\n".join(["a" * 40, "b" * 40, "c" * 40])
    assert split(paragraphs, limit=90) == ["a" * 40 + "\n\n" + "b" * 40, "c" * 40]
    lines = "\n".join(["a" * 40, "b" * 40, "c" * 40])
    assert split(lines, limit=90) == ["a" * 40 + "\n" + "b" * 40, "c" * 40]
    words = " ".join(["từ"] * 50)
    pieces = split(words, limit=20)
    assert all(len(p) <= 20 for p in pieces)
    assert " ".join(pieces) == words


def test_split_never_cuts_an_escape_sequence_or_exceeds_the_limit() -> None:
    text = "&" * 30  # each becomes "&amp;" (5 characters)
    pieces = split(text, limit=12)
    assert "".join(pieces) == text
    assert all(length(escape(p)) <= 12 for p in pieces)


def test_a_real_sized_answer_is_cut_under_4096_with_nothing_lost() -> None:
    paragraph = ("Đoạn văn có ký tự < và & cùng emoji 📌. " * 20).strip()
    text = "\n\n".join(f"{n}. {paragraph}" for n in range(12))
    pieces = split(text)
    assert len(pieces) > 1
    assert all(length(escape(p)) <= MAX_TEXT for p in pieces)
    assert "\n\n".join(pieces) == text


def test_buttons_go_under_the_last_piece_only() -> None:
    reply = Reply(
        "x\n\n" * 3000, ((Button("A", "menu"), Button("B", "grp:x")), (Button("C", "ent:y"),))
    )
    messages = render(reply)
    assert len(messages) > 1
    assert [m.markup is not None for m in messages] == [False] * (len(messages) - 1) + [True]
    markup = messages[-1].markup
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["menu", "grp:x"],
        ["ent:y"],
    ]


def test_oversize_payloads_are_dropped_not_sent() -> None:
    reply = Reply("x", ((Button("ok", "menu"), Button("too long", "ent:" + "x" * 61)),))
    markup = keyboard(reply)
    assert markup is not None
    assert [b.text for b in markup.inline_keyboard[0]] == ["ok"]
    assert keyboard(Reply("x", ((Button("too long", "x" * 65),),))) is None


def test_only_menus_are_redrawn_in_place() -> None:
    main_menu = ["grp:ho_tich", "grp:cu_tru"]
    group_menu = ["ent:khai_sinh", "ent:khai_tu", "menu"]
    answer = ["rate:khai_sinh:1:up", "rate:khai_sinh:1:down", "grp:ho_tich", "menu"]
    decline = ["fwd:3", "menu"]
    assert redraws_in_place("grp:ho_tich", main_menu)
    assert redraws_in_place("menu", group_menu)
    assert not redraws_in_place("ent:khai_sinh", group_menu)  # an answer is a new message
    assert not redraws_in_place("grp:ho_tich", answer)  # never overwrite an answer
    assert not redraws_in_place("menu", decline)  # nor the hotline in a decline
    assert not redraws_in_place("menu", [])
