"""The sample contest end to end on Telegram, over real HTTP against the fake Bot API: /thi,
the area, ten questions answered with buttons, the prediction, the score and the explanations;
then the ranking exported as XLSX (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import clock
from bot.cli import main
from bot.quiz.models import DONE, QuizAttempt
from tests.quiz.helpers import DURING, attempts_of, contest
from tests.telegram.harness import BotUnderTest, Citizen

TRANSCRIPT = os.environ.get("CCHC_QUIZ_TRANSCRIPT", "")  # write the chat here to show it


@pytest.fixture(autouse=True)
def during_the_contest() -> Iterator[None]:
    """Real time, moved into the sample contest's window (it keeps ticking)."""
    offset = DURING - clock.system_now()
    with clock.use(lambda: clock.system_now() + offset):
        yield


def right_label(bot: BotUnderTest, citizen: Citizen, wrong: bool = False) -> str:
    """The label of the right (or a wrong) option of the question on screen."""
    message = [
        c.result
        for c in bot.calls("sendMessage")
        if c.ok and int(c.params["chat_id"]) == citizen.chat_id
    ][-1]
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    _, _, attempt_id, position, _ = buttons[0]["callback_data"].split(":")
    with bot.services.sessions() as session:
        attempt = session.get(QuizAttempt, int(attempt_id))
        assert attempt is not None
        question = contest(bot.services).question(attempt.question_ids[int(position)])
    assert question is not None
    index = (question.answer + 1) % len(buttons) if wrong else question.answer
    return str(buttons[index]["text"])


async def test_a_citizen_takes_the_sample_contest_and_staff_export_the_ranking(
    bot: BotUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    an = bot.citizen("An", 7_301)
    await an.says("/thi")
    await an.presses("Thôn 1 (ví dụ)")
    for n in range(contest(bot.services).per_attempt):
        await an.presses(right_label(bot, an, wrong=n == 4))
    await an.says("300")
    bot.transcript.expect(
        """
        user: /thi
        bot: 🏆 Tìm hiểu cải cách hành chính ⏎ Mỗi lượt thi có 10 câu * [Thôn 1 (ví dụ)] * [Bỏ qua]
        user: [Thôn 1 (ví dụ)]
        bot: Câu 1/10 (còn 1* phút *): ⏎ * ⏎ A. * ⏎ B. *  [A] [B]*
        user: [*]
        bot: Câu 2/10 *
        user: *
        bot: Câu 3/10 *
        user: *
        bot: Câu 4/10 *
        user: *
        bot: Câu 5/10 *
        user: *
        bot: Câu 6/10 *
        user: *
        bot: Câu 7/10 *
        user: *
        bot: Câu 8/10 *
        user: *
        bot: Câu 9/10 *
        user: *
        bot: Câu 10/10 *
        user: *
        bot: Theo Ông/Bà, đến khi kết thúc sẽ có bao nhiêu người tham gia cuộc thi? *  [Bỏ qua]
        user: 300
        bot: Đã ghi nhận dự đoán của Ông/Bà: 300 người.
        bot: 🎯 Kết quả lượt 1: 9/10 câu đúng, thời gian *
        bot: Đáp án và giải thích: ⏎ 1. * ⏎ Đáp án đúng: *. * (Nguồn: *) * Ông/Bà còn 1 lượt *
        """
    )
    assert bot.transcript.lines[-1].endswith(
        "Ông/Bà còn 1 lượt thi.  [🔁 Thi lượt mới] / [🏠 Menu chính]"
    )
    if TRANSCRIPT:
        Path(TRANSCRIPT).write_text("\n".join(bot.transcript.lines) + "\n", encoding="utf-8")
    review = bot.transcript.lines[-1]
    assert review.count("✅") == 9
    assert review.count("❌") == 1
    assert review.count("(Nguồn: ") == 10
    [attempt] = attempts_of(bot.services)
    assert (attempt.status, attempt.correct, attempt.prediction) == (DONE, 9, 300)
    assert attempt.area == "Thôn 1 (ví dụ)"

    monkeypatch.setenv("DATABASE_URL", bot.services.settings.database_url)
    out = Path(os.environ.get("CCHC_QUIZ_EXPORT", "") or tmp_path / "ket-qua.xlsx")
    assert main(["quiz", "results", "tim_hieu_cchc", "--format", "xlsx", "--out", str(out)]) == 0
    ranking = list(load_workbook(out)["Xếp hạng"].iter_rows(values_only=True))
    assert ranking[1][:7] == (1, "An", "telegram", attempt.contact_id, "Thôn 1 (ví dụ)", 1, 9)
    assert ranking[1][9:] == (300, 299)


async def test_a_late_answer_on_telegram_is_not_counted(bot: BotUnderTest) -> None:
    binh = bot.citizen("Bình", 7_302)
    await binh.says("/thi")
    await binh.presses("Bỏ qua")
    await binh.presses(right_label(bot, binh))
    late = contest(bot.services).time_limit + dt.timedelta(seconds=5)
    offset = DURING + late - clock.system_now()
    with clock.use(lambda: clock.system_now() + offset):
        await binh.presses(right_label(bot, binh))
    bot.transcript.expect(
        """
        ...
        user: [*]
        bot: ⏰ Đã hết 15 phút làm bài; câu trả lời vừa gửi không được tính.
        bot: Theo Ông/Bà, *
        """
    )
    assert attempts_of(bot.services)[0].correct == 1
