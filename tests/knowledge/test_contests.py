"""Contest files are validated like the rest of the knowledge base: file, line, contest and
question in every problem; the sample contest is valid and sourced."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.contests import OFFICE_TZ
from knowledge.loader import DEFAULT_DIR, check, load

GOOD = """\
id: thu
title: {vi: "Thi thử"}
rules: {vi: "Mười câu."}
opens: "2026-12-01 07:30"
closes: "2027-01-01 17:00"
questions_per_attempt: 1
attempts_allowed: 1
time_limit_minutes: 5
questions:
  - id: a
    text: {vi: "Câu một?"}
    options: {vi: ["Có", "Không"]}
    answer: 1
    explanation: {vi: "Vì thế."}
    source: {entry: cchc_la_gi}
"""


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    shutil.copytree(DEFAULT_DIR, directory)
    return directory


def problems_for(kb_dir: Path, text: str) -> list[str]:
    (kb_dir / "contests" / "thu.yaml").write_text(text, encoding="utf-8")
    return [str(p) for p in check(kb_dir)]


def test_the_sample_contest_is_valid_and_sourced() -> None:
    kb = load(DEFAULT_DIR)
    contest = kb.contests["tim_hieu_cchc"]
    assert len(contest.questions) >= 20
    assert contest.per_attempt <= len(contest.questions)
    assert contest.opens == dt.datetime(2026, 12, 1, 7, 30, tzinfo=OFFICE_TZ)
    assert contest.prediction
    for question in contest.questions:
        assert 2 <= len(question.options["vi"]) <= 4
        assert (question.law is None) != (question.entry is None)
        assert question.entry is None or question.entry in kb.entries
        assert "\n" not in question.explanation["vi"]


def test_a_good_file_loads(kb_dir: Path) -> None:
    assert problems_for(kb_dir, GOOD) == []
    contest = load(kb_dir).contests["thu"]
    assert contest.time_limit == dt.timedelta(minutes=5)
    assert contest.questions[0].answer == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("answer: 1", "answer: 3"), ":13: entry 'contest thu, question a': 'answer' must be"),
        (("entry: cchc_la_gi", "entry: khong_co"), ":15: entry 'contest thu, question a': entry"),
        (('["Có", "Không"]', '["Có"]'), ":12: entry 'contest thu, question a': a question has"),
        (("questions_per_attempt: 1", "questions_per_attempt: 2"), ":6: entry 'contest thu':"),
        (('closes: "2027-01-01 17:00"', 'closes: "2026-11-01 17:00"'), ":5: entry 'contest thu'"),
        (('opens: "2026-12-01 07:30"', 'opens: "mai"'), ":4: entry 'contest thu': 'opens'"),
        (("attempts_allowed: 1", "attempts_allowed: 0"), ":7: entry 'contest thu':"),
        (("id: thu", "id: " + "t" * 41), ":1: entry 'contest " + "t" * 41 + "': 'id' must"),
        (("source: {entry: cchc_la_gi}", "source: {}"), ":15: entry 'contest thu, question a'"),
        (('"Vì thế."', '"Vì thế.\\nVà thế."'), ":14: entry 'contest thu, question a': 'expl"),
        (("time_limit_minutes: 5", "time_limit_minutes: 5\ncolour: red"), ":9: entry 'contest"),
        (('rules: {vi: "Mười câu."}\n', ""), ":1: entry 'contest thu': missing field 'rules'"),
    ],
)
def test_a_broken_file_names_file_line_and_question(
    kb_dir: Path, change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in GOOD
    found = problems_for(kb_dir, GOOD.replace(old, new))
    assert any("contests/thu.yaml" in p and expected in p for p in found), found


def test_two_questions_with_one_id(kb_dir: Path) -> None:
    question = GOOD[GOOD.index("  - id: a") :]
    found = problems_for(kb_dir, GOOD + question)
    assert any(":16: entry 'contest thu, question a': question id repeats" in p for p in found)


def test_kb_validate_prints_contest_problems(
    kb_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (kb_dir / "contests" / "thu.yaml").write_text(GOOD.replace("answer: 1", "answer: 9"))
    assert main(["kb", "validate", str(kb_dir)]) == 1
    assert "thu.yaml:13: entry 'contest thu, question a'" in capsys.readouterr().err
    (kb_dir / "contests" / "thu.yaml").unlink()
    assert main(["kb", "validate", str(kb_dir)]) == 0
    assert "1 contest(s)" in capsys.readouterr().out
