"""`cchc-bot staff add … --web --login NAME --password-stdin`: one staff identity, a web login."""

from __future__ import annotations

import io
import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select as query

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
        staff = session.scalars(query(Staff)).one()  # one identity, not two
        assert (staff.channel, staff.external_id, staff.role) == ("telegram", "777", "admin")
        assert session.get(StaffLogin, staff.id) is not None
        assert authenticate(session, "ha.tran", "mat-khau-moi-dai-hon", "test").staff
        assert not authenticate(session, "ha.tran", "mot-mat-khau-dai", "test").staff
        assert "staff_add" in session.scalars(query(DeskAudit.action)).all()
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
        assert session.scalars(query(Staff)).all() == []
    assert main(["staff", "remove", "--login", "lan"]) == 1


def test_the_password_is_asked_twice_at_a_terminal(services: Services, tmp_path: Path) -> None:
    """Without --password-stdin the password is typed at a real terminal (a pty), unechoed."""
    env = {**os.environ, "DATABASE_URL": services.settings.database_url}
    command = [sys.executable, "-m", "bot.cli", "staff", "add", "--name", "Lê Văn Tâm"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the pty as its terminal
        os.chdir(tmp_path)
        os.execve(sys.executable, [*command, "--web", "--login", "tam"], env)
    seen = b""
    for _ in range(2):
        seen += _read_until(fd, b": ")
        os.write(fd, b"mat-khau-cua-tam\n")
    seen += _read_until(fd, b"opens /admin")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"Password for the web desk:" in seen
    assert b"mat-khau-cua-tam" not in seen  # not echoed
    with services.sessions.begin() as session:
        assert authenticate(session, "tam", "mat-khau-cua-tam", "test").staff is not None


def _read_until(fd: int, marker: bytes, timeout: float = 30.0) -> bytes:
    data, deadline = b"", time.monotonic() + timeout
    while marker not in data and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                data += os.read(fd, 1024)
            except OSError:
                break
    return data
