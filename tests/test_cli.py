"""The command line, including the stable `ask --json` contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

KEYS = {"query", "intent", "band", "score", "suggestions", "lang", "answer"}
ADDITIVE = {"variant", "aspect"}  # fields added later; the stable ones above never change


def test_ask_json_one_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "lam cccd o dau"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert KEYS <= set(result) <= KEYS | ADDITIVE
    assert result["intent"] == "can_cuoc"
    assert result["band"] == "answer"
    assert 0 <= result["score"] <= 100
    assert result["lang"] == "vi"
    assert "căn cước" in result["answer"].lower()


def test_ask_json_stdin_keeps_order_and_declines_with_null_intent() -> None:
    lines = ["đăng ký kết hôn", "how to renew my passport", "", "lam giay khai sinh"]
    env = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent/dir/never.db"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["query"] for r in results] == lines
    assert results[0]["intent"] == "ket_hon"
    assert results[1]["band"] == "decline"
    assert results[1]["intent"] is None
    assert results[1]["lang"] == "en"
    assert results[2]["band"] == "decline"
    assert results[3]["intent"] == "khai_sinh"


def test_kb_validate_reports_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "topics").mkdir()
    (tmp_path / "locality.yaml").write_text("hotline: {commune: '1'}\n")
    (tmp_path / "topics" / "x.yaml").write_text("group: x\ntitle: {vi: X}\nentries: [{id: 1}]\n")
    assert main(["kb", "validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "x.yaml:3" in err
    assert "problem(s) found" in err


def test_kb_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "validate"]) == 0
    assert capsys.readouterr().out.startswith("OK:")


def test_eval_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    devset = Path(__file__).parent / "data" / "devset.yaml"
    assert main(["eval", str(devset)]) == 0
    out = capsys.readouterr().out
    assert "Out of scope declined:" in out
    assert "Most confused" in out
