"""The console channel as a person uses it: a whole conversation as a transcript."""

from __future__ import annotations

import io

from bot.runtime import Services
from handlers.console import run_console


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
