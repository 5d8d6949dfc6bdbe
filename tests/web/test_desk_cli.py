"""`cchc-bot staff add … --web --login NAME --password-stdin`: one staff identity, a web login."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.desk.accounts import authenticate
from bot.desk.models import DeskAudit, StaffLogin
from bot.feedback.models import Staff
from bot.runtime import Services


@pytest.fixture
def cli_env(services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)
    return services


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_web_only_staff_then_linked_to_telegram(
    cli_env: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "mot-mat-khau-dai\n")
    web = ["staff", "add", "--name", "Trần Thu Hà", "--web", "--login", "Ha.Tran"]
    assert main([*web, "--password-stdin"]) == 0
    assert "web login 'ha.tran'" in capsys.readouterr().out
    _stdin(monkeypatch, "mat-khau-moi-dai-hon\n")
    link = ["staff", "add", "--user-id", "777", "--name", "Trần Thu Hà", "--role", "admin"]
    assert main([*link, "--web", "--login", "ha.tran", "--password-stdin"]) == 0
    with cli_env.sessions.begin() as session:
        staff = session.scalars(select(Staff)).one()  # one identity, not two
        assert (staff.channel, staff.external_id, staff.role) == ("telegram", "777", "admin")
        assert session.get(StaffLogin, staff.id) is not None
        assert authenticate(session, "ha.tran", "mat-khau-moi-dai-hon", "test").staff
        assert not authenticate(session, "ha.tran", "mot-mat-khau-dai", "test").staff
        assert "staff_add" in session.scalars(select(DeskAudit.action)).all()
    assert main(["staff", "list"]) == 0
    assert "telegram\t777\tadmin\tactive\tTrần Thu Hà\tweb:ha.tran" in capsys.readouterr().out


def test_bad_input_is_refused(
    cli_env: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "short\n")
    add = ["staff", "add", "--name", "Lan", "--web", "--login", "lan", "--password-stdin"]
    assert main(add) == 2
    assert "at least 10" in capsys.readouterr().err
    assert main(["staff", "add", "--name", "Lan", "--web", "--login", "có dấu"]) == 2
    assert main(["staff", "add", "--name", "Lan"]) == 2  # neither Telegram nor web
    with cli_env.sessions() as session:
        assert session.scalars(select(Staff)).all() == []
    assert main(["staff", "remove", "--login", "lan"]) == 1
