"""The console channel as a person uses it: a whole conversation as a transcript."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.messages import Button, Inbound
from bot.runtime import Services
from handlers.console import parse, run_console


def converse(services: Services, lines: list[str]) -> str:
    out = io.StringIO()
    run_console(services.assistant, "alice", io.StringIO("\n".join(lines) + "\n"), out)
    return out.getvalue()


def test_menu_question_and_button_choice(services: Services) -> None:
    transcript = converse(services, ["1", "lam cccd o dau", "/quit"])
    assert "Xin chào" in transcript
    assert "[1] Hộ tịch" in transcript
    assert "Chọn nội dung trong mục “Hộ tịch”" in transcript
    assert "📌 Cấp, cấp đổi, cấp lại thẻ căn cước" in transcript
    assert transcript.rstrip().endswith("Tạm biệt Ông/Bà!")


def test_conversation_is_logged(services: Services) -> None:
    from sqlalchemy import select

    from bot.models import MessageLog

    converse(services, ["dang ky ket hon can gi"])
    with services.sessions() as session:
        assert session.scalars(select(MessageLog.intent)).all() == ["ket_hon"]


def test_a_number_outside_the_buttons_asks_for_one_of_them(services: Services) -> None:
    transcript = converse(services, ["7", "0", "15", "2"])
    # 7 opens "Đường dây nóng" (4 buttons); 0 and 15 are slips; 2 still picks from those 4.
    assert transcript.count("vui lòng chọn một số từ 1 đến 4") == 2
    assert "📌 Số điện thoại và đường dây nóng" in transcript
    with services.sessions() as session:
        from sqlalchemy import func, select

        from bot.models import MessageLog, UnansweredQuestion

        assert session.scalar(select(func.count()).select_from(MessageLog)) == 0
        assert session.scalar(select(func.count()).select_from(UnansweredQuestion)) == 0


def test_a_number_with_no_buttons_shown_is_still_text() -> None:
    inbound = parse("7", "alice", [])
    assert (inbound.text, inbound.payload) == ("7", None)
    phone = parse("0912345678", "alice", [Button("Bỏ qua", "pa:skip")])
    assert (phone.text, phone.payload) == ("0912345678", None)
    for odd in ("²", "１", "-1", "2026"):
        assert parse(odd, "alice", [Button("Bỏ qua", "pa:skip")]).text == odd


@pytest.mark.parametrize("forged", ["num:7:²", "num:7:0", "num:7:" + "9" * 23, "num:", "num:7:x"])
def test_a_forged_slip_payload_shows_the_menu(services: Services, forged: str) -> None:
    [reply] = services.assistant.handle(Inbound("console", "u1", payload=forged))
    assert reply.text
    assert reply.buttons


def test_one_english_question_does_not_flip_the_menus(services: Services) -> None:
    transcript = converse(
        services, ["lam can cuoc o dau", "how do I register a birth", "/menu", "cảm ơn"]
    )
    vietnamese, english = transcript.split("📌 Birth registration")
    assert "📌 Cấp, cấp đổi, cấp lại thẻ căn cước" in vietnamese
    answer, menu = english.split("Ông/Bà muốn tìm hiểu về lĩnh vực nào?")
    assert "[1] 📄 Documents" in answer  # the English answer's own buttons are English
    assert "[1] Hộ tịch" in menu
    assert "Dạ, không có gì ạ!" in menu


def chat_in_a_child(tmp_path: Path, lines: list[str], *args: str) -> tuple[str, str]:
    """Run `cchc-bot chat` in a subprocess (SIGINT reset in the child, always killed)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}", "LOG_LEVEL": "INFO"}
    env.pop("STAFF_CHAT_ID", None)
    child = subprocess.Popen(
        [str(Path(sys.executable).with_name("cchc-bot")), "chat", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,  # no .env from the checkout
        env=env,
        text=True,
        encoding="utf-8",
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        out, err = child.communicate("\n".join(lines) + "\n", timeout=120)
    finally:
        child.kill()
        child.wait()
    return out, err


FILING = ["cán bộ quát tháo dân", "1", "Thôn 3", "2", "1", "/quit"]


def test_the_console_keeps_log_lines_out_of_the_conversation(tmp_path: Path) -> None:
    out, err = chat_in_a_child(tmp_path, FILING)
    assert "Mã phản ánh: PA-" in out
    assert "bot.feedback.filing" not in out
    assert "WARNING bot.feedback.filing: STAFF_CHAT_ID is not set" in err
    assert " INFO " not in err  # LOG_LEVEL=INFO, but the chat shows warnings only


def test_the_console_can_write_its_log_to_a_file(tmp_path: Path) -> None:
    log = tmp_path / "chat.log"
    out, err = chat_in_a_child(tmp_path, FILING, "--log-file", str(log))
    assert "Mã phản ánh: PA-" in out
    assert "bot.feedback.filing" not in out + err
    assert "INFO bot.feedback.filing: ticket PA-" in log.read_text(encoding="utf-8")
