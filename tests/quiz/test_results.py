"""Ranking with the tie-break (score, then time, then the prediction), score distribution,
participants by area; `cchc-bot quiz list|show|results` and the report's contest section
(SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.config import Settings
from bot.models import Contact
from bot.quiz.models import ACTIVE, DONE, QuizAttempt
from bot.quiz.results import contest_results
from bot.runtime import Services
from tests.quiz.helpers import CONTEST, DURING, contest

START = DURING.astimezone(dt.UTC)


def add(
    services: Services,
    name: str,
    attempts: list[tuple[int, int, int | None]],
    area: str | None = None,
) -> None:
    """A contact with finished attempts: (right answers, seconds taken, prediction)."""
    questions = [q.id for q in contest(services).questions[:10]]
    with services.sessions.begin() as session:
        person = Contact(channel="telegram", external_id=name, display_name=name)
        session.add(person)
        session.flush()
        for number, (correct, seconds, prediction) in enumerate(attempts, 1):
            session.add(
                QuizAttempt(
                    contest_id=CONTEST,
                    contact_id=person.id,
                    number=number,
                    question_ids=questions,
                    answers=[0] * 10,
                    correct=correct,
                    area=area,
                    prediction=prediction,
                    status=DONE,
                    started_at=START,
                    deadline_at=START + dt.timedelta(minutes=15),
                    finished_at=START + dt.timedelta(seconds=seconds),
                    version=2,
                )
            )


def ranked(services: Services) -> list[tuple[int, str]]:
    with services.sessions() as session:
        results = contest_results(session, contest(services))
    return [(s.rank, s.name) for s in results.ranking]


def test_ranking_tie_break_score_then_time_then_prediction(services: Services) -> None:
    add(services, "An", [(8, 100, None), (9, 400, 5)], area="Thôn 1 (ví dụ)")  # best: 9 in 400
    add(services, "Bình", [(9, 300, None)], area="Thôn 1 (ví dụ)")
    add(services, "Cường", [(9, 400, 3)], area="Thôn 2 (ví dụ)")  # 6 take part: 3 off
    add(services, "Dũng", [(9, 400, 6)])  # exactly right: first of the 9-in-400-seconds
    add(services, "Hà", [(10, 599, None)])
    add(services, "Khánh", [(9, 400, 7)])  # 1 off, like An: they share the rank
    assert ranked(services) == [
        (1, "Hà"),
        (2, "Bình"),
        (3, "Dũng"),
        (4, "An"),
        (4, "Khánh"),
        (6, "Cường"),
    ]
    with services.sessions() as session:
        results = contest_results(session, contest(services))
    assert (results.participants, results.attempts, results.running) == (6, 7, 0)
    assert results.distribution == {8: 1, 9: 5, 10: 1}
    assert results.by_area == {"Thôn 1 (ví dụ)": 2, "Thôn 2 (ví dụ)": 1}
    assert [s.gap for s in results.ranking] == [None, None, 0, 1, 1, 3]


def test_an_attempt_in_progress_is_left_out_until_its_time_is_up(services: Services) -> None:
    add(services, "An", [(3, 60, None)])
    with services.sessions.begin() as session:
        attempt = session.query(QuizAttempt).one()
        attempt.status, attempt.finished_at = ACTIVE, None
        attempt.started_at = dt.datetime.now(dt.UTC)
        attempt.deadline_at = attempt.started_at + dt.timedelta(minutes=15)
    with services.sessions() as session:
        results = contest_results(session, contest(services))
    assert (results.running, results.ranking) == (1, [])
    with services.sessions.begin() as session:
        attempt = session.query(QuizAttempt).one()
        attempt.started_at -= dt.timedelta(hours=1)
        attempt.deadline_at -= dt.timedelta(hours=1)
    with services.sessions() as session:
        results = contest_results(session, contest(services))
    [standing] = results.ranking
    assert (standing.correct, standing.seconds) == (3, 900)  # the whole time limit


def test_quiz_cli_list_show_results_csv_and_xlsx(
    services: Services,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add(services, "An", [(9, 300, 4)], area="Thôn 1 (ví dụ)")
    add(services, "Bình", [(7, 200, None)])
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["quiz", "list"]) == 0
    assert "tim_hieu_cchc\tTìm hiểu cải cách hành chính" in capsys.readouterr().out
    assert main(["quiz", "show", CONTEST]) == 0
    shown = capsys.readouterr().out
    assert "Người tham gia: 2; lượt thi: 2" in shown
    assert "Theo thôn: Thôn 1 (ví dụ): 1" in shown
    assert main(["quiz", "results", CONTEST]) == 0
    csv_text = capsys.readouterr().out
    assert "Xếp hạng" in csv_text
    assert "1,An,telegram" in csv_text
    out = tmp_path / "ket-qua.xlsx"
    assert main(["quiz", "results", CONTEST, "--format", "xlsx", "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Tổng hợp", "Xếp hạng", "Phân bố điểm", "Theo thôn"]
    rows = list(book["Xếp hạng"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Hạng", "Người dự thi", "Kênh")
    assert [r[:2] for r in rows[1:]] == [(1, "An"), (2, "Bình")]
    assert main(["quiz", "results", "khong_co"]) == 2


def test_report_counts_contests_and_participants(
    services: Services, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(services, "An", [(9, 300, 4), (8, 100, None)])
    add(services, "Bình", [(7, 200, None)])
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    out = tmp_path / "bao-cao.xlsx"
    day = DURING.date().isoformat()
    assert main(["report", "--from", day, "--to", day, "--out", str(out)]) == 0
    rows = list(load_workbook(out)["Cuộc thi tìm hiểu"].iter_rows(values_only=True))
    assert rows[0] == ("Cuộc thi", "Mở từ", "Đóng lúc", "Số người tham gia", "Số lượt")
    assert rows[1][0] == "Tìm hiểu cải cách hành chính"
    assert rows[1][3:] == (2, 3)
    assert rows[-1] == ("Tổng: 1 cuộc thi", None, None, 2, 3)
    before = (DURING - dt.timedelta(days=400)).date().isoformat()
    assert main(["report", "--from", before, "--to", before, "--out", str(out)]) == 0
    rows = list(load_workbook(out)["Cuộc thi tìm hiểu"].iter_rows(values_only=True))
    assert rows[1:] == [("Tổng: 0 cuộc thi", None, None, 0, 0)]
