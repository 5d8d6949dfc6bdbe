"""Announcing a contest is one broadcast: `cchc-bot quiz announce` drafts it for staff."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.broadcast.models import Announcement
from bot.cli import main
from bot.runtime import Services
from tests.broadcast.helpers import add_staff
from tests.quiz.helpers import CONTEST


@pytest.fixture
def cli_env(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)
    handlers = logging.getLogger().handlers[:]
    yield services
    logging.getLogger().handlers[:] = handlers  # `main` points logging at captured stderr


def test_staff_draft_the_contest_announcement_and_send_it_like_any_other(
    cli_env: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    add_staff(cli_env, "900", channel="telegram")
    assert main(["quiz", "announce", CONTEST, "--as", "900"]) == 0
    assert "Draft announcement #1" in capsys.readouterr().out
    with cli_env.sessions() as session:
        [item] = session.scalars(select(Announcement)).all()
    assert item.status == "draft"
    assert "Tìm hiểu cải cách hành chính" in item.text
    assert "/thi" in item.text
    assert "15 phút" in item.text
    assert main(["broadcast", "confirm", "1", "--as", "900"]) == 0  # one broadcast, as usual


def test_only_staff_may_announce_a_contest(
    cli_env: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["quiz", "announce", CONTEST, "--as", "12345"]) == 1
    assert "Refused" in capsys.readouterr().err
    with cli_env.sessions() as session:
        assert session.scalars(select(Announcement)).all() == []
    assert main(["quiz", "announce", "no_such_contest", "--as", "12345"]) == 2
